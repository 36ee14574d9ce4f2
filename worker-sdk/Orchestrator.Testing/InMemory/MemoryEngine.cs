using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Testing.InMemory;

/// <summary>
/// The engine and its worker in one process, on a virtual clock: every change runs to quiescence at once (the worker takes
/// each message the moment it is sent); time moves only when <see cref="AdvanceAsync"/> or <see cref="RunUntilClosedAsync"/>
/// moves it, firing what falls due in order. One change at a time (<see cref="Gate"/>).
/// </summary>
internal sealed class MemoryEngine : IDisposable
{
    private readonly MemoryWorker _worker;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Activity attempts suspended on the virtual clock (<see cref="MemoryAttempt"/>), in the order they started.</summary>
    private readonly List<MemoryAttempt> _running = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MemoryEngine(MemoryWorker worker, DateTime start)
    {
        _worker = worker;
        Now = start;
        Shell = new MemoryShell(new EngineSettings(), () => Now);
    }

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public MemoryWorker Worker => _worker;

    public MemoryShell Shell { get; }

    /// <summary>The virtual time (UTC, whole microseconds as PostgreSQL keeps them).</summary>
    public DateTime Now { get; private set; }

    /// <summary>Completes at the next change a client made (a start, a signal...), for a result waiter with nothing due.</summary>
    public Task Changed => _changed.Task;

    public void NotifyChanged() => Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public static IReadOnlyList<HistoryEvent> Events(MemoryRun run) =>
        run.History.Select(e => TaskMessages.ToHistoryEvent(e.EventId, e.EventType, e.Timestamp, e.AttributesJson)).ToList();

    /// <summary>
    /// Delivers every message sent, and what they lead to, until none is left; then cancels the suspended attempts that are
    /// no longer their activity's current one (the decider timed them out, or their run closed), and those whose workflow
    /// asked to cancel them (<see cref="MemoryShell.IsToldToCancel"/>), and applies their answers.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            while (Shell.Outbox.TryDequeue(out var message))
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (message)
                {
                    case WorkflowTaskMessage task when Shell.Get(task.RunId) is { } run:
                        Shell.ConfirmSent(task);
                        Shell.Execute(task.RunId, await _worker.RunWorkflowTaskAsync(task, Events(run), cancellationToken).ConfigureAwait(false));
                        break;
                    case ActivityTaskMessage activity:
                        await StartAttemptAsync(activity).ConfigureAwait(false);
                        break;
                    case ExternalDelivery delivery:
                        Shell.DeliverExternal(delivery);
                        break;
                }
            }
            // an attempt no longer current is stopped; one its workflow asked to cancel is told, as its worker is at a heartbeat
            var stopped = _running.Select(a => (Attempt: a, Ended: !Shell.IsCurrent(a.Message)))
                .Where(a => a.Ended || (!a.Attempt.CancelRequested && Shell.IsToldToCancel(a.Attempt.Message))).ToList();
            if (stopped.Count == 0)
            {
                return;
            }
            foreach (var (attempt, ended) in stopped)
            {
                await attempt.CancelAsync(requested: !ended).ConfigureAwait(false);
                await ContinueAttemptAsync(attempt).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A worker takes the attempt at once (its pick-up recorded) and runs it to its answer, or until it waits on the virtual clock.</summary>
    private async Task StartAttemptAsync(ActivityTaskMessage message)
    {
        var attempt = new MemoryAttempt(message, () => Now, _stopping.Token);
        Shell.RecordPickUp(message);
        attempt.Answer = _worker.RunActivityAsync(attempt, new DateTimeOffset(Now, TimeSpan.Zero), details =>
        {
            if (Shell.RecordHeartbeat(message, details) && !attempt.CancelRequested)
            {
                attempt.RequestCancel(); // the workflow canceled the activity: its worker hears it in answer to a heartbeat
            }
        });
        await ContinueAttemptAsync(attempt).ConfigureAwait(false);
    }

    /// <summary>Runs the attempt on: its answer goes to the decider (a late one is stale there), or it stays suspended.</summary>
    private async Task ContinueAttemptAsync(MemoryAttempt attempt)
    {
        if (!await attempt.RunAsync().ConfigureAwait(false))
        {
            if (!_running.Contains(attempt))
            {
                _running.Add(attempt);
            }
            return;
        }
        _running.Remove(attempt);
        using (attempt)
        {
            Shell.Execute(attempt.Message.RunId, await attempt.Answer.ConfigureAwait(false));
        }
    }

    private DateTime? NextDue() => Shell.Runs.Where(r => r.IsOpen).Select(r => r.NextDue()).Concat(_running.Select(a => a.WakeAt)).Where(d => d is not null).Min();

    /// <summary>Moves the clock to the next due time (never back) and fires what is due then; false when nothing is due.</summary>
    private async Task<bool> StepAsync(DateTime? limit, CancellationToken cancellationToken)
    {
        if (NextDue() is not { } due || (limit is { } l && due > l))
        {
            return false;
        }
        if (due > Now)
        {
            Now = due;
        }
        // an attempt that wakes now answers before the sweeper would find it overdue
        foreach (var attempt in _running.Where(a => a.WakeAt <= Now).ToList())
        {
            attempt.Wake();
            await ContinueAttemptAsync(attempt).ConfigureAwait(false);
        }
        foreach (var run in Shell.Runs.Where(r => r.IsOpen).ToList())
        {
            foreach (var trigger in run.DueTriggers(Now).ToList())
            {
                Shell.Execute(run.Run.RunId, trigger);
            }
        }
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Moves the clock by <paramref name="by"/>, firing what falls due on the way, in order.</summary>
    public async Task AdvanceAsync(TimeSpan by, CancellationToken cancellationToken)
    {
        var target = Now + by;
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        while (await StepAsync(target, cancellationToken).ConfigureAwait(false))
        {
        }
        Now = target;
    }

    /// <summary>
    /// Runs until the latest run of <paramref name="workflowId"/> closes, skipping time whenever every workflow waits; returns
    /// that run, or its open run when nothing more is due (it waits for a signal or another client call).
    /// </summary>
    /// <exception cref="WorkflowTaskFailedInTestException">The run's workflow task failed (its code threw or broke determinism).</exception>
    public Task<MemoryRun?> RunUntilClosedAsync(string workflowId, CancellationToken cancellationToken) =>
        RunUntilAsync(workflowId, run => !run.IsOpen, cancellationToken);

    /// <summary>
    /// Runs until <paramref name="done"/> holds for the latest run of <paramref name="workflowId"/> (or it has none, or it
    /// closed), skipping time whenever every workflow waits; returns that run, or its open run when nothing more is due.
    /// </summary>
    /// <exception cref="WorkflowTaskFailedInTestException">The run's workflow task failed (its code threw or broke determinism).</exception>
    public async Task<MemoryRun?> RunUntilAsync(string workflowId, Func<MemoryRun, bool> done, CancellationToken cancellationToken)
    {
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var run = Shell.Latest(workflowId);
            if (run is null || !run.IsOpen || done(run))
            {
                return run;
            }
            // after a drain every task sent was answered: a task still holding a failure waits for its retry back-off
            if (run.Task is { State: TaskState.Scheduled, LastFailure: { } failure })
            {
                throw new WorkflowTaskFailedInTestException(workflowId, failure);
            }
            if (!await StepAsync(null, cancellationToken).ConfigureAwait(false))
            {
                return run;
            }
        }
    }

    /// <summary>Cancels the attempts still suspended (the environment is disposed).</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var attempt in _running)
        {
            attempt.Dispose();
        }
        _stopping.Dispose();
    }
}
