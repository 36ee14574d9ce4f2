namespace Orchestrator.Contracts.Api;

/// <summary>The answer of <c>POST /api/v1/triggers</c>.</summary>
/// <param name="TriggerId">The trigger id.</param>
public sealed record CreateTriggerResponse(string TriggerId);
