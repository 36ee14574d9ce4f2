namespace Orchestrator.Contracts.Api;

/// <summary>The answer of <c>POST /api/v1/schedules</c>.</summary>
/// <param name="ScheduleId">The schedule id.</param>
public sealed record CreateScheduleResponse(string ScheduleId);
