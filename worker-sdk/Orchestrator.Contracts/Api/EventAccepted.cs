namespace Orchestrator.Contracts.Api;

/// <summary>The answer of <c>POST /api/v1/events</c> (202): the triggers the event matched, and what it did with each.</summary>
/// <param name="Matched">The ids of the triggers that matched the event.</param>
/// <param name="Deliveries">One per matched trigger, in the same order.</param>
public sealed record EventAccepted(IReadOnlyList<string> Matched, IReadOnlyList<EventDelivery> Deliveries);

/// <summary>What an event did with one trigger.</summary>
/// <param name="TriggerId">The trigger.</param>
/// <param name="Outcome"><c>started</c>, <c>signaled</c>, <c>deduplicated</c> (taken before: nothing new) or <c>deadLettered</c> (see <paramref name="Reason"/>).</param>
/// <param name="WorkflowId">The workflow it started or signaled.</param>
/// <param name="RunId">Its run.</param>
/// <param name="Reason">Why it could not be acted on (<c>deadLettered</c>).</param>
public sealed record EventDelivery(string TriggerId, string Outcome, string? WorkflowId = null, string? RunId = null, string? Reason = null);
