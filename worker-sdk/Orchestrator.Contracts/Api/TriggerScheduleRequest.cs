namespace Orchestrator.Contracts.Api;

/// <summary>The body of <c>POST /api/v1/schedules/{id}/trigger</c> (optional): start the action now.</summary>
/// <param name="Overlap">The overlap policy of this start; default the schedule's.</param>
public sealed record TriggerScheduleRequest(ScheduleOverlapPolicy? Overlap = null);
