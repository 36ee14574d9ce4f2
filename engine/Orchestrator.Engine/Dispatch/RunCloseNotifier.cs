using System.Collections.Concurrent;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Wakes long-polls of <c>GET .../result</c> when this engine closes a run. Runs closed by another engine are
/// seen by the long-poll's own periodic re-read.
/// </summary>
internal sealed class RunCloseNotifier
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next close of a run of <paramref name="workflowId"/> (or never).</summary>
    public Task WaitAsync(string workflowId) =>
        _waiters.GetOrAdd(workflowId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Notify(string workflowId)
    {
        if (_waiters.TryRemove(workflowId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
