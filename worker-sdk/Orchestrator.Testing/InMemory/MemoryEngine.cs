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
internal sealed class MemoryEngine
{
    private readonly MemoryWorker _worker;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MemoryEngine(MemoryWorker worker, DateTime start)
    {
        _worker = worker;
        Now = start;
        Shell = new MemoryShell(new EngineSettings(), () => Now);
    }

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public MemoryShell Shell { get; }

    /// <summary>The virtual time (UTC, whole microseconds as PostgreSQL keeps them).</summary>
    public DateTime Now { get; private set; }

    /// <summary>Completes at the next change a client made (a start, a signal...), for a result waiter with nothing due.</summary>
    public Task Changed => _changed.Task;

    public void NotifyChanged() => Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public static IReadOnlyList<HistoryEvent> Events(MemoryRun run) =>
        run.History.Select(e => TaskMessages.ToHistoryEvent(e.EventId, e.EventType, e.Timestamp, e.AttributesJson)).ToList();

    /// <summary>Delivers every message sent, and what they lead to, until none is left.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
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
                    var answer = await _worker.RunActivityAsync(activity, new DateTimeOffset(Now, TimeSpan.Zero), cancellationToken).ConfigureAwait(false);
                    Shell.Execute(activity.RunId, answer);
                    break;
            }
        }
    }

    private DateTime? NextDue() => Shell.Runs.Where(r => r.IsOpen).Select(r => r.NextDue()).Where(d => d is not null).Min();

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
    public async Task<MemoryRun?> RunUntilClosedAsync(string workflowId, CancellationToken cancellationToken)
    {
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var run = Shell.Latest(workflowId);
            if (run is null || !run.IsOpen)
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
}
