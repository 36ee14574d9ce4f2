namespace Orchestrator.Contracts.Api;

/// <summary>A page of <c>GET /api/v1/schedules</c>, by schedule id.</summary>
/// <param name="Schedules">The schedules of this page.</param>
/// <param name="NextPageToken">Pass as <c>pageToken</c> for the next page; null on the last.</param>
public sealed record ScheduleListPage(IReadOnlyList<ScheduleListItem> Schedules, string? NextPageToken);
