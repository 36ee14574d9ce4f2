namespace Orchestrator.Contracts.Api;

/// <summary>The body of <c>POST /api/v1/schedules/{id}/pause</c> and <c>.../unpause</c> (optional).</summary>
/// <param name="Note">Why; shown in the schedule's state.</param>
public sealed record ScheduleNoteRequest(string? Note = null);
