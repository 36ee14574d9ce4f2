namespace Orchestrator.Contracts.Api;

/// <summary>What a trigger's events did.</summary>
/// <param name="Delivered">Events that started or signaled a workflow.</param>
/// <param name="Deduplicated">Events taken before (same <c>source</c> and <c>id</c>) that did nothing again.</param>
/// <param name="DeadLettered">Events it matched but could not act on (a template it could not fill, no open run to signal); an event refused for its signature changes nothing, not even these counters (it is logged).</param>
/// <param name="LastError">Why the last one of those could not be acted on.</param>
/// <param name="LastErrorAt">When.</param>
public sealed record TriggerStats(long Delivered, long Deduplicated, long DeadLettered, string? LastError = null, DateTime? LastErrorAt = null);
