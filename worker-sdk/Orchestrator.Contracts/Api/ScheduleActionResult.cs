namespace Orchestrator.Contracts.Api;

/// <summary>A scheduled time a schedule acted on.</summary>
/// <param name="ScheduledAt">The scheduled time (without jitter).</param>
/// <param name="ActualAt">When the engine started it.</param>
/// <param name="WorkflowId">The workflow id derived from the schedule id and the scheduled time.</param>
/// <param name="RunId">The run started (null when a run of that id was already open and nothing started).</param>
/// <param name="Status">The run's status now (<see cref="WorkflowStatus"/> names; null without a run).</param>
public sealed record ScheduleActionResult(DateTimeOffset ScheduledAt, DateTimeOffset ActualAt, string WorkflowId, string? RunId, string? Status);
