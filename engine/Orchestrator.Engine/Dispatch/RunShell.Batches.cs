using Npgsql;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>What <see cref="RunShell.ApplyInTransactionAsync"/> found and did.</summary>
internal enum RunActionOutcome
{
    /// <summary>The trigger changed the run (written in the caller's transaction).</summary>
    Applied,
    /// <summary>The run is open and the trigger changed nothing (e.g. a cancel already requested).</summary>
    Unchanged,
    /// <summary>The run (and the runs it continued into) closed before the action.</summary>
    Closed,
    /// <summary>The run no longer exists (deleted by retention).</summary>
    Gone,
}

/// <summary>The result of <see cref="RunShell.ApplyInTransactionAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Run">The run acted on, or the closed run found (null when gone).</param>
/// <param name="AfterCommit">To run once the caller committed (messages to the relay, waiters, the parent told of a close); dropped on a rollback.</param>
internal sealed record RunAction(RunActionOutcome Outcome, WorkflowRunRecord? Run, Func<Task> AfterCommit);

internal sealed partial class RunShell
{
    /// <summary>
    /// Applies a client's <paramref name="trigger"/> (signal, cancel request, terminate: the decider's, as the REST calls do)
    /// to run <paramref name="runId"/> in the caller's transaction, so that the caller can commit its own record of the
    /// action with it (a batch item). A run that closed into a next run (continue-as-new, workflow retry) is followed to
    /// that run, as <see cref="DispatchStore.LockOpenRunAsync"/> follows it for a workflow id. Nothing is committed here;
    /// the caller runs <see cref="RunAction.AfterCommit"/> after its commit.
    /// </summary>
    /// <remarks>Only triggers that take nothing with the lock (buffered events read, not taken; no due timers) may be used:
    /// a caller commits also when the decision is empty.</remarks>
    public async Task<RunAction> ApplyInTransactionAsync(NpgsqlTransaction tx, Guid runId, RunTrigger trigger)
    {
        if (trigger.Needs.HasFlag(SnapshotNeeds.TakeBuffered) || trigger.Needs.HasFlag(SnapshotNeeds.DueTimers))
        {
            throw new ArgumentException($"{trigger.GetType().Name} takes rows with its lock; it cannot be applied in a caller's transaction.", nameof(trigger));
        }
        var snapshot = await ReadSnapshotAsync(tx, runId, trigger);
        for (var lookup = 0; snapshot is { Run: { Status: not RunStatus.Running, NextRunId: { } next } } && lookup < DispatchStore.MaxOpenRunLookups; lookup++)
        {
            snapshot = await ReadSnapshotAsync(tx, next, trigger);
        }
        if (snapshot is null)
        {
            return new RunAction(RunActionOutcome.Gone, null, () => Task.CompletedTask);
        }
        if (snapshot.Run.Status != RunStatus.Running)
        {
            return new RunAction(RunActionOutcome.Closed, snapshot.Run, () => Task.CompletedTask);
        }
        var effects = RunDecider.Decide(snapshot, trigger, new DecisionContext(settings.UtcNow(), settings));
        LogNotes(snapshot.Run, effects);
        if (effects.IsEmpty)
        {
            return new RunAction(RunActionOutcome.Unchanged, snapshot.Run, () => Task.CompletedTask);
        }
        var written = new Written();
        await WriteAsync(tx, snapshot, trigger.Needs, effects, written);
        return new RunAction(RunActionOutcome.Applied, snapshot.Run, async () =>
        {
            AfterCommit(written);
            try
            {
                await NotifyParentAsync(snapshot, effects);
            }
            catch (Exception e) when (e is NpgsqlException or ConcurrencyConflictException or TimeoutException)
            {
                // the action committed; the sweeper tells the parent (parent_notified is still false)
                Log.ParentNoticeDeferred(logger, snapshot.Run.ParentRunId!.Value, snapshot.Run.RunId, e.GetType().Name);
            }
        });
    }
}
