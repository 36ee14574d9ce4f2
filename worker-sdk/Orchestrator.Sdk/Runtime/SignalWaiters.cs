using System.Text.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// Signals without a <c>[WorkflowSignal]</c> handler: buffered per name in arrival order, each taken once by
/// <c>WaitForSignalAsync</c> (or handed at once to the code waiting for it). Only touched on the instance's scheduler thread.
/// </summary>
internal sealed class SignalWaiters(WorkflowState state)
{
    private readonly Dictionary<string, Queue<(long Order, JsonElement? Input)>> _signals = new(StringComparer.Ordinal);
    private readonly List<SignalWaiter> _waiters = [];
    private long _signalOrder;

    /// <summary>A signal arrived: the first code waiting for its name takes it, else it is buffered.</summary>
    public void Deliver(string name, JsonElement? input)
    {
        for (var i = 0; i < _waiters.Count; i++)
        {
            if (_waiters[i].Name == name)
            {
                var waiter = _waiters[i];
                _waiters.RemoveAt(i);
                waiter.Registration.Dispose();
                waiter.Completion.TrySetResult(input);
                return;
            }
        }
        if (!_signals.TryGetValue(name, out var queue))
        {
            _signals[name] = queue = new Queue<(long, JsonElement?)>();
        }
        queue.Enqueue((_signalOrder++, input));
    }

    /// <summary>Signals received and not consumed by the code, in arrival order (carried over by continue-as-new).</summary>
    public IReadOnlyList<SignalReceivedAttributes> Unconsumed() =>
        _signals.SelectMany(pair => pair.Value.Select(s => (pair.Key, s.Order, s.Input)))
            .OrderBy(s => s.Order)
            .Select(s => new SignalReceivedAttributes(s.Key, s.Input))
            .ToList();

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

    public Task<JsonElement?> Wait(string signalName, TimeSpan? timeout, CancellationToken cancellationToken = default, CodeLocation site = default)
    {
        state.EnsureOnScheduler("WaitForSignalAsync");
        if (state.HasSignalHandler(signalName))
        {
            throw new InvalidOperationException($"Signal '{signalName}' has a [WorkflowSignal] handler: its signals go to the handler, never to WaitForSignalAsync "
                + "(let the handler set a field, and wait for it with WaitConditionAsync).");
        }
        if (_signals.TryGetValue(signalName, out var queue) && queue.Count > 0)
        {
            return Task.FromResult(queue.Dequeue().Input);
        }
        if (state.CancelRequested)
        {
            // A wait begun after the cancel request (the request was applied with the events that woke the code, before the
            // code reached this wait) is canceled at once, as the waits pending at the request were: else it would wait for ever.
            return Task.FromCanceled<JsonElement?>(state.Cancellation.Token);
        }
        if (timeout is { } negative)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(negative, TimeSpan.Zero, nameof(timeout));
        }
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<JsonElement?>(cancellationToken);
        }
        var waiter = new SignalWaiter(signalName, site, state.NextWaitOrder());
        _waiters.Add(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            // canceled by the code (on the scheduler): the wait ends, its timeout timer is canceled; a signal that comes
            // later is buffered for the next wait
            waiter.Registration = cancellationToken.Register(() =>
            {
                state.EnsureOnScheduler("cancelling WaitForSignalAsync");
                if (_waiters.Remove(waiter))
                {
                    if (waiter.TimerSeq is { } timer)
                    {
                        state.CancelTimeout(timer);
                    }
                    waiter.Completion.TrySetCanceled(cancellationToken);
                }
            });
        }
        if (timeout is not { } limit)
        {
            return waiter.Completion.Task;
        }
        var seq = state.StartTimeout(limit, "signal timeout", () =>
        {
            if (_waiters.Remove(waiter))
            {
                waiter.Registration.Dispose();
                waiter.Completion.TrySetException(new TimeoutException($"Signal '{signalName}' did not arrive within {limit}."));
            }
        });
        waiter.TimerSeq = seq;
        return WaitThenCancelTimerAsync(waiter, seq);
    }

    /// <summary>The signal waits in flight, with the end of their timeouts.</summary>
    public void AddWaits(List<WorkflowWaits.Entry> entries)
    {
        foreach (var waiter in _waiters)
        {
            entries.Add(new(waiter.Order, new WorkflowWait("signal", waiter.Name, DueAt: state.DueAt(waiter.TimerSeq), Location: waiter.Site.Location)));
        }
    }

    private async Task<JsonElement?> WaitThenCancelTimerAsync(SignalWaiter waiter, int timerSeq)
    {
        var value = await waiter.Completion.Task;
        state.CancelTimeout(timerSeq);
        return value;
    }
}
