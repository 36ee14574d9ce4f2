namespace Orchestrator.Engine.Updates;

/// <summary>
/// Wakes the callers waiting for an update's outcome when this engine commits an outcome for their workflow id (an update
/// completed, or the run closed and failed its unfinished updates). The caller then reads the update's row. Outcomes
/// committed by another engine are not seen here: a waiter also reads the row at a short interval.
/// </summary>
internal sealed class UpdateWaiters
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (TaskCompletionSource Signal, int Count)> _waiting = new(StringComparer.Ordinal);

    /// <summary>Waits until an outcome of <paramref name="workflowId"/> commits here, or <paramref name="timeout"/> passes.</summary>
    public async Task WaitAsync(string workflowId, TimeSpan timeout, CancellationToken ct)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (!_waiting.TryGetValue(workflowId, out var entry))
            {
                entry = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), 0);
            }
            _waiting[workflowId] = (entry.Signal, entry.Count + 1);
            signal = entry.Signal;
        }
        try
        {
            await signal.Task.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            lock (_lock)
            {
                if (_waiting.TryGetValue(workflowId, out var entry) && entry.Signal == signal)
                {
                    if (entry.Count == 1)
                    {
                        _waiting.Remove(workflowId);
                    }
                    else
                    {
                        _waiting[workflowId] = (signal, entry.Count - 1);
                    }
                }
            }
        }
    }

    /// <summary>An outcome of <paramref name="workflowId"/> committed: its waiters read their rows again.</summary>
    public void Notify(string workflowId)
    {
        TaskCompletionSource? signal = null;
        lock (_lock)
        {
            if (_waiting.Remove(workflowId, out var entry))
            {
                signal = entry.Signal;
            }
        }
        signal?.TrySetResult();
    }
}
