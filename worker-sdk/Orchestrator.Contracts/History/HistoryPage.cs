namespace Orchestrator.Contracts.History;

/// <summary>The body of <c>GET /api/v1/workflows/{id}/history</c>: <c>{"events":[{"eventId","eventType","timestamp","attributes"}],"nextPageToken"}</c>.</summary>
/// <param name="Events">The events of this page, in event id order.</param>
/// <param name="NextPageToken">The token of the next page; null on the last page.</param>
public sealed record HistoryPage(IReadOnlyList<HistoryEvent> Events, string? NextPageToken = null);
