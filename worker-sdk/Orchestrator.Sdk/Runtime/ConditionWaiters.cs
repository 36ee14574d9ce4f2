using Orchestrator.Contracts.Api;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// The code's <c>WaitConditionAsync</c> waits. Their conditions are checked by the instance after its scheduler drained
/// (every branch of the code waits), in the order the waits began, never while a query or a validator runs: a satisfied wait
/// completes true (its timeout timer is canceled), one whose timeout timer fired completes false; the instance then drains
/// again and checks again until nothing changes. Only touched on the instance's scheduler thread.
/// </summary>
internal sealed class ConditionWaiters(WorkflowState state)
{
    private readonly List<Waiter> _waiters = [];

    /// <summary>Whether some code waits for a condition.</summary>
    public bool Any => _waiters.Count > 0;

    public Task<bool> Wait(Func<bool> condition, TimeSpan? timeout, CancellationToken cancellationToken, CodeLocation site = default)
    {
        state.EnsureOnScheduler("WaitConditionAsync");
        ArgumentNullException.ThrowIfNull(condition);
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            timeout = null;
        }
        if (timeout is { } negative)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(negative, TimeSpan.Zero, nameof(timeout));
        }
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<bool>(cancellationToken);
        }
        if (condition())
        {
            return Task.FromResult(true);
        }
        if (state.CancelRequested)
        {
            return Task.FromCanceled<bool>(state.Cancellation.Token); // as WaitForSignalAsync: else it would wait for ever
        }
        var waiter = new Waiter(condition) { Site = site, Order = state.NextWaitOrder() };
        _waiters.Add(waiter);
        if (timeout is { } limit)
        {
            waiter.TimerSeq = state.StartTimeout(limit, "condition timeout", () => waiter.TimedOut = true);
        }
        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(() =>
            {
                state.EnsureOnScheduler("cancelling WaitConditionAsync");
                if (_waiters.Remove(waiter))
                {
                    if (waiter.TimerSeq is { } seq)
                    {
                        state.CancelTimeout(seq);
                    }
                    waiter.Completion.TrySetCanceled(cancellationToken);
                }
            });
        }
        return waiter.Completion.Task;
    }

    /// <summary>
    /// Checks every waiting condition once, in the order the waits began; completes the satisfied ones (true), the timed out
    /// ones (false) and those whose condition threw (with its exception). Returns whether any completed.
    /// </summary>
    public bool CheckAll()
    {
        var changed = false;
        foreach (var waiter in _waiters.ToList())
        {
            bool holds;
            try
            {
                holds = waiter.Condition();
            }
            catch (Exception ex)
            {
                Complete(waiter, cancelTimer: true);
                waiter.Completion.TrySetException(ex);
                changed = true;
                continue;
            }
            if (holds || waiter.TimedOut)
            {
                Complete(waiter, cancelTimer: holds);
                waiter.Completion.TrySetResult(holds);
                changed = true;
            }
        }
        return changed;
    }

    /// <summary>The cancel request: every wait in flight is canceled (their timeout timers are canceled by the state).</summary>
    public void CancelAll(CancellationToken token)
    {
        var waiters = _waiters.ToList();
        _waiters.Clear();
        foreach (var waiter in waiters)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetCanceled(token);
        }
    }

    /// <summary>The condition waits in flight, with the end of their timeouts.</summary>
    public void AddWaits(List<WorkflowWaits.Entry> entries)
    {
        foreach (var waiter in _waiters)
        {
            entries.Add(new(waiter.Order, new WorkflowWait("condition", "condition", DueAt: state.DueAt(waiter.TimerSeq), Location: waiter.Site.Location)));
        }
    }

    private void Complete(Waiter waiter, bool cancelTimer)
    {
        _waiters.Remove(waiter);
        waiter.Registration.Dispose();
        if (cancelTimer && waiter.TimerSeq is { } seq)
        {
            state.CancelTimeout(seq);
        }
    }

    private sealed class Waiter(Func<bool> condition)
    {
        public Func<bool> Condition { get; } = condition;

        public TaskCompletionSource<bool> Completion { get; } = new();

        public int? TimerSeq { get; set; }

        /// <summary>The timeout timer fired: the next check completes the wait false unless the condition holds by then.</summary>
        public bool TimedOut { get; set; }

        public CancellationTokenRegistration Registration { get; set; }

        public CodeLocation Site { get; init; }

        public long Order { get; init; }
    }
}
