using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>What <see cref="RunShell.AcceptUpdateAsync"/> did.</summary>
internal enum UpdateAcceptance
{
    /// <summary>Recorded: its row and its <c>WorkflowUpdateAccepted</c> committed together.</summary>
    Accepted,
    /// <summary>The workflow id has an update of that id already (nothing written: the caller waits for that one).</summary>
    Exists,
    /// <summary>The workflow id has no open run.</summary>
    NoRun,
    /// <summary>The open run is not the one the update was validated on (it continued as new): validate again.</summary>
    RunChanged,
}

internal sealed partial class RunShell
{
    /// <summary>
    /// Records an update whose validator passed on run <paramref name="validatedRunId"/>, in one transaction under the run's
    /// lock: the <c>workflow_updates</c> row (the primary key applies an update id once per workflow id) and the
    /// <c>WorkflowUpdateAccepted</c> event, delivered as a signal is (appended with a new workflow task, or buffered while one
    /// is in flight). A crash before the commit leaves neither; after it, both.
    /// </summary>
    public async Task<UpdateAcceptance> AcceptUpdateAsync(string workflowId, Guid validatedRunId, UpdateAcceptedTrigger trigger)
    {
        var (connection, tx) = await history.BeginAsync();
        await using (connection)
        await using (tx)
        {
            if (await store.LockOpenRunAsync(tx, workflowId) is not { } open)
            {
                return UpdateAcceptance.NoRun;
            }
            if (open.RunId != validatedRunId)
            {
                return UpdateAcceptance.RunChanged;
            }
            if (!await updates.InsertAsync(tx, workflowId, trigger.UpdateId, open.RunId, trigger.UpdateName, settings.UtcNow()))
            {
                return UpdateAcceptance.Exists;
            }
            var snapshot = await ReadSnapshotAsync(tx, open.RunId, trigger);
            if (snapshot is not { Run.Status: RunStatus.Running })
            {
                return UpdateAcceptance.NoRun;
            }
            // an open run always takes the event; an unchanged decision would roll the row back with the transaction
            return await DecideAndCommitAsync(tx, snapshot, trigger) == RunOutcome.Changed ? UpdateAcceptance.Accepted : UpdateAcceptance.NoRun;
        }
    }
}
