namespace Orchestrator.Contracts.Api;

/// <summary>The body of <c>POST /api/v1/schedules</c> and <c>PUT /api/v1/schedules/{id}</c>.</summary>
/// <param name="ScheduleId">The schedule id (letters, digits, '.', '_', '-', ':'). Required on create; on PUT, absent or the path's id.</param>
/// <param name="Spec">When it fires. Required.</param>
/// <param name="Action">What it starts. Required.</param>
/// <param name="Policy">Overlap, catch-up, failures; defaults when absent.</param>
/// <param name="State">Paused, note, remaining actions; defaults when absent.</param>
public sealed record ScheduleDefinition(
    string? ScheduleId,
    ScheduleSpec? Spec,
    ScheduleAction? Action,
    SchedulePolicy? Policy = null,
    ScheduleState? State = null);
