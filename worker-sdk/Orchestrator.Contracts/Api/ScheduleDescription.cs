namespace Orchestrator.Contracts.Api;

/// <summary>The answer of <c>GET /api/v1/schedules/{id}</c>: the schedule as stored, with defaults filled in, and its info.</summary>
/// <param name="ScheduleId">The schedule id.</param>
/// <param name="Spec">When it fires.</param>
/// <param name="Action">What it starts.</param>
/// <param name="Policy">Overlap, catch-up window, pause on failure.</param>
/// <param name="State">Paused, note, remaining actions.</param>
/// <param name="Info">Next times, recent actions, running workflows, counters.</param>
public sealed record ScheduleDescription(string ScheduleId, ScheduleSpec Spec, ScheduleAction Action, SchedulePolicy Policy, ScheduleState State, ScheduleInfo Info);
