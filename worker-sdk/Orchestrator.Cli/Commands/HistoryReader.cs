using Orchestrator.Contracts.History;
using Orchestrator.Sdk;

namespace Orchestrator.Cli.Commands;

/// <summary>Reads a run's history through every page of <c>GET .../history</c>, or follows it as it grows.</summary>
internal sealed class HistoryReader(OrchestratorClient client, string workflowId, string? runId)
{
    /// <summary>The engine's largest page.</summary>
    public const int PageSize = 10_000;

    /// <summary>How often <see cref="FollowAsync"/> asks for new events (the API has no long-poll of history).</summary>
    public static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(500);

    private static readonly HashSet<string> Closing =
    [
        EventTypes.WorkflowCompleted, EventTypes.WorkflowFailed, EventTypes.WorkflowCanceled, EventTypes.WorkflowTerminated,
        EventTypes.WorkflowContinuedAsNew, EventTypes.WorkflowTimedOut,
    ];

    public async Task<IReadOnlyList<HistoryEvent>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var run = await PinRunAsync(cancellationToken);
        var events = new List<HistoryEvent>();
        string? token = null;
        do
        {
            var page = await client.GetHistoryAsync(workflowId, run, PageSize, token, cancellationToken);
            events.AddRange(page.Events);
            token = page.NextPageToken;
        }
        while (token is not null);
        return events;
    }

    /// <summary>Calls <paramref name="onEvent"/> for every event, old and new, until the run's closing event.</summary>
    public async Task FollowAsync(Func<HistoryEvent, Task> onEvent, CancellationToken cancellationToken)
    {
        var run = await PinRunAsync(cancellationToken);
        string? token = null;
        long last = 0;
        while (true)
        {
            var page = await client.GetHistoryAsync(workflowId, run, PageSize, token, cancellationToken);
            foreach (var e in page.Events.Where(e => e.EventId > last))
            {
                await onEvent(e);
                last = e.EventId;
                if (Closing.Contains(e.EventType))
                {
                    return;
                }
            }
            if (page.NextPageToken is not null)
            {
                token = page.NextPageToken; // a full page: the next one at once
                continue;
            }
            // the last page: ask again with the same token, which returns it plus whatever was appended since
            await Task.Delay(FollowInterval, cancellationToken);
        }
    }

    /// <summary>
    /// The run to read: a page does not say its run, so without <c>--run-id</c> the latest run is looked up first and
    /// named in every page request (a continue-as-new between two pages cannot splice two runs together).
    /// </summary>
    private async Task<string> PinRunAsync(CancellationToken cancellationToken) =>
        runId ?? (await client.DescribeWorkflowAsync(workflowId, cancellationToken: cancellationToken)).RunId;
}
