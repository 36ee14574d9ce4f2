namespace Orchestrator.Contracts.Api;

/// <summary>How a schedule handles overlaps, missed times and failures.</summary>
/// <param name="Overlap">When a time is due while a started workflow runs; default <see cref="ScheduleOverlapPolicy.Skip"/>.</param>
/// <param name="CatchupWindow">A time missed while no engine ran is still started when an engine is back within this long after
/// it; older ones are skipped and counted in <c>missedCatchupWindow</c>. Default one hour, at least one second.</param>
/// <param name="PauseOnFailure">Pause the schedule when a workflow it started fails or times out; default false.</param>
public sealed record SchedulePolicy(ScheduleOverlapPolicy? Overlap = null, TimeSpan? CatchupWindow = null, bool? PauseOnFailure = null);
