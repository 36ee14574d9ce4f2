namespace Orchestrator.Contracts.Api;

/// <summary>A page of <c>GET /api/v1/triggers</c>, by trigger id.</summary>
/// <param name="Triggers">The triggers of this page.</param>
/// <param name="NextPageToken">Pass as <c>pageToken</c> for the next page; null on the last.</param>
public sealed record TriggerListPage(IReadOnlyList<TriggerDescription> Triggers, string? NextPageToken);
