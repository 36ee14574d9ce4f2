namespace Orchestrator.Contracts.Api;

/// <summary>The answer of <c>POST /api/v1/schedules/{id}/trigger</c>.</summary>
/// <param name="ScheduledAt">The time it was triggered for (now, in whole seconds).</param>
/// <param name="WorkflowId">The workflow id of that time.</param>
/// <param name="RunId">The run started, or null when it was skipped or buffered by the overlap policy.</param>
/// <param name="Outcome"><c>Started</c>, <c>Skipped</c> or <c>Buffered</c>.</param>
public sealed record TriggerScheduleResponse(DateTimeOffset ScheduledAt, string WorkflowId, string? RunId, string Outcome);
