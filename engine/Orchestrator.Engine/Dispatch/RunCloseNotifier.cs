using System.Collections.Concurrent;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Wakes long-polls of <c>GET .../result</c> when this engine closes a run, handing them the closed run so they answer
/// without reading it again. Runs closed by another engine are seen by the long-poll's own periodic re-read.
/// </summary>
internal sealed class RunCloseNotifier
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WorkflowRunRecord>> _waiters = new(StringComparer.Ordinal);

    /// <summary>A task that completes with the run at the next close of a run of <paramref name="workflowId"/> (or never).</summary>
    public Task<WorkflowRunRecord> WaitAsync(string workflowId) =>
        _waiters.GetOrAdd(workflowId, _ => new TaskCompletionSource<WorkflowRunRecord>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>A run of <see cref="WorkflowRunRecord.WorkflowId"/> closed (committed): <paramref name="closed"/> is its row.</summary>
    public void Notify(WorkflowRunRecord closed)
    {
        if (_waiters.TryRemove(closed.WorkflowId, out var waiter))
        {
            waiter.TrySetResult(closed);
        }
    }
}
