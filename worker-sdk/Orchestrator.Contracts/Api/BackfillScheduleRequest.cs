namespace Orchestrator.Contracts.Api;

/// <summary>The body of <c>POST /api/v1/schedules/{id}/backfill</c>: act on the schedule's times in [startAt, endAt) as if they were due now.</summary>
/// <param name="StartAt">The first time of the range (inclusive). Required.</param>
/// <param name="EndAt">The end of the range (exclusive). Required, after <paramref name="StartAt"/>.</param>
/// <param name="Overlap">The overlap policy of these starts; default the schedule's.</param>
public sealed record BackfillScheduleRequest(DateTimeOffset? StartAt, DateTimeOffset? EndAt, ScheduleOverlapPolicy? Overlap = null);
