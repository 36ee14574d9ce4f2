namespace Orchestrator.Contracts.Api;

/// <summary>One schedule in <c>GET /api/v1/schedules</c>.</summary>
/// <param name="ScheduleId">The schedule id.</param>
/// <param name="Paused">Whether it is paused.</param>
/// <param name="NextActionTime">When it fires next (null: paused, or no time left).</param>
/// <param name="WorkflowType">The workflow type it starts.</param>
public sealed record ScheduleListItem(string ScheduleId, bool Paused, DateTimeOffset? NextActionTime, string WorkflowType);
