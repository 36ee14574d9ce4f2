using System.Collections.Concurrent;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Wakes long-polls of <c>GET .../result</c> when a run closes. A close by this engine hands them the closed run, so they
/// answer without reading it again; a close by another engine reaches every engine as a PostgreSQL notification
/// (<see cref="RunCloseListener"/>) and the long-poll reads the run. It also knows which runs this engine started and has
/// not seen close, so a long-poll on one of them need not read it first: it is open.
/// </summary>
internal sealed class RunCloseNotifier(EngineSettings settings)
{
    private const int MaxTrackedOpenRuns = 100_000;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WorkflowRunRecord?>> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _openHere = new(StringComparer.Ordinal);

    /// <summary>True while the listener receives announcements (else a run closed elsewhere may go unseen).</summary>
    public bool Listening { get; set; }

    /// <summary>
    /// A task that completes at the next close of a run of <paramref name="workflowId"/>: with the closed run when this
    /// engine closed it, null when another did. Never completes when no run closes.
    /// </summary>
    public Task<WorkflowRunRecord?> WaitAsync(string workflowId) =>
        _waiters.GetOrAdd(workflowId, _ => new TaskCompletionSource<WorkflowRunRecord?>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>This engine started a run of <paramref name="workflowId"/> (committed).</summary>
    public void StartedHere(string workflowId)
    {
        if (_openHere.Count < MaxTrackedOpenRuns)
        {
            _openHere[workflowId] = 0;
        }
    }

    /// <summary>
    /// True when the latest run of <paramref name="workflowId"/> is known to be open: this engine started it and no close
    /// was seen since, while the listener works. Call after <see cref="WaitAsync"/>, so a close in between is not missed.
    /// </summary>
    public bool IsKnownOpen(string workflowId) => Listening && _openHere.ContainsKey(workflowId);

    /// <summary>This engine closed a run (committed): <paramref name="closed"/> is its row.</summary>
    public void Notify(WorkflowRunRecord closed)
    {
        if (closed.NextRunId is null)
        {
            _openHere.TryRemove(closed.WorkflowId, out _);
        }
        if (_waiters.TryRemove(closed.WorkflowId, out var waiter))
        {
            waiter.TrySetResult(closed);
        }
    }

    /// <summary>The payload announcing a close: the closing engine, whether another run follows, the workflow id.</summary>
    public static string Announcement(string instanceId, string workflowId, bool followed) => $"{instanceId} {(followed ? 'n' : 'c')} {workflowId}";

    /// <summary>An announcement arrived: a close by another engine wakes the waiters of that workflow id (they read the run).</summary>
    public void Announced(string payload)
    {
        var parts = payload.Split(' ', 3);
        if (parts.Length != 3 || parts[0] == settings.InstanceId)
        {
            return; // our own close: already notified with the closed run
        }
        var workflowId = parts[2];
        if (parts[1] == "c")
        {
            _openHere.TryRemove(workflowId, out _);
        }
        if (_waiters.TryRemove(workflowId, out var waiter))
        {
            waiter.TrySetResult(null);
        }
    }

    /// <summary>The listener lost its connection: announcements may have been missed, so nothing is known open any more.</summary>
    public void ListeningLost()
    {
        Listening = false;
        _openHere.Clear();
    }
}
