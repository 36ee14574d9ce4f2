using Orchestrator.Contracts.History;
using Orchestrator.Dashboard.Api;

namespace Orchestrator.Dashboard.History;

/// <summary>
/// The events of one run as loaded so far. <see cref="RefreshAsync"/> reads the pages not read yet: it asks
/// again for the last page it read (its token) and keeps the events past the last one it has, so a run that
/// is still open grows without reading its whole history again.
/// </summary>
internal sealed class HistoryFeed(string workflowId, string runId)
{
    public const int PageSize = 1000;

    private readonly List<HistoryEvent> events = [];
    private string? lastPageToken;

    public string WorkflowId { get; } = workflowId;

    public string RunId { get; } = runId;

    public IReadOnlyList<HistoryEvent> Events => events;

    /// <summary>Reads new events; returns how many arrived, or the engine's error.</summary>
    public async Task<(int Added, string? Error)> RefreshAsync(EngineApiClient engine, CancellationToken cancellationToken)
    {
        var added = 0;
        var token = lastPageToken;
        while (true)
        {
            var page = await engine.GetHistoryAsync(WorkflowId, RunId, PageSize, token, cancellationToken).ConfigureAwait(false);
            if (page.Value is not { } history)
            {
                return (added, page.Error);
            }
            var lastId = events.Count == 0 ? 0 : events[^1].EventId;
            foreach (var e in history.Events)
            {
                if (e.EventId > lastId)
                {
                    events.Add(e);
                    lastId = e.EventId;
                    added++;
                }
            }
            if (string.IsNullOrEmpty(history.NextPageToken))
            {
                lastPageToken = token;
                return (added, null);
            }
            token = history.NextPageToken;
        }
    }
}
