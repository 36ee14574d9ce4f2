using Npgsql;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Reset;

namespace Orchestrator.Engine.Dispatch;

/// <summary>What <see cref="RunShell.ResetAsync"/> found and did.</summary>
internal enum ResetOutcomeKind
{
    /// <summary>The new run was created (and the open run, if any, terminated) in one transaction.</summary>
    Reset,
    /// <summary>No such workflow, or no such run of it: nothing written.</summary>
    NotFound,
    /// <summary>The run or the point cannot be reset (<see cref="ResetOutcome.Detail"/> says why): nothing written.</summary>
    Refused,
    /// <summary>Another run of the workflow was started while this reset ran (the open-run index refused the new run): nothing written.</summary>
    Conflict,
}

/// <summary>The result of <see cref="RunShell.ResetAsync"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="OldRun">The run reset (when found).</param>
/// <param name="NewRun">The new run (<see cref="ResetOutcomeKind.Reset"/> only).</param>
/// <param name="Plan">The point and what was copied and re-created (<see cref="ResetOutcomeKind.Reset"/> only).</param>
/// <param name="TerminatedRunId">The open run terminated by the reset, if there was one.</param>
/// <param name="Detail">Why it was refused.</param>
internal sealed record ResetOutcome(ResetOutcomeKind Kind, WorkflowRunRecord? OldRun = null, WorkflowRunRecord? NewRun = null, ResetPlan? Plan = null,
    Guid? TerminatedRunId = null, string? Detail = null);

internal sealed partial class RunShell
{
    /// <summary>
    /// Resets a run of <paramref name="workflowId"/> (<paramref name="runId"/>, default its latest) to <paramref name="target"/>,
    /// in one transaction: the run (and the id's open run, if another) locked, its history read, the point found
    /// (<see cref="ResetPoint"/>); the id's open run terminated through the decider (reason <c>reset: {reason}</c>: its close
    /// policy, waiters and parent notice as for any terminate); the new run created (<see cref="ResetRun"/>) with its
    /// re-created activity and timer rows; both runs linked. A crash leaves all of it or none.
    /// </summary>
    /// <remarks>
    /// Locks: a named run first, then the id's open run (the order in which a batch follows a closed run to its next one);
    /// without a run id, the open run, or else the latest run. A run started meanwhile makes the new run's insert fail on the
    /// open-run index: <see cref="ResetOutcomeKind.Conflict"/>, everything rolled back.
    /// </remarks>
    public async Task<ResetOutcome> ResetAsync(string workflowId, Guid? runId, ResetTarget target, string reason)
    {
        var (connection, tx) = await history.BeginAsync();
        await using (connection)
        await using (tx)
        {
            WorkflowRunRecord? old, open;
            if (runId is { } id)
            {
                old = await store.LockRunAsync(tx, id);
                if (old is null || old.WorkflowId != workflowId)
                {
                    return new ResetOutcome(ResetOutcomeKind.NotFound);
                }
                open = old.Status == RunStatus.Running ? old : await store.LockOpenRunAsync(tx, workflowId);
            }
            else
            {
                open = await store.LockOpenRunAsync(tx, workflowId);
                old = open ?? await ResetStore.LockLatestRunAsync(tx, workflowId);
                if (old is null)
                {
                    return new ResetOutcome(ResetOutcomeKind.NotFound);
                }
            }
            if (old.ParentRunId is { } parent)
            {
                return new ResetOutcome(ResetOutcomeKind.Refused, old, Detail:
                    $"Run {old.RunId} is a child of run {parent} (workflow '{old.ParentWorkflowId}'): a child's run cannot be reset, its parent waits on it; reset the parent.");
            }
            var events = await ResetStore.ReadHistoryAsync(tx, old.RunId);
            if (ResetPoint.Plan(events, target, out var error) is null)
            {
                return new ResetOutcome(ResetOutcomeKind.Refused, old, Detail: error);
            }

            var context = new DecisionContext(settings.UtcNow(), settings);
            var written = new Written();
            (RunSnapshot Snapshot, RunEffects Effects)? terminated = null;
            if (open is not null)
            {
                var terminate = new TerminateTrigger($"reset: {reason}");
                if (await ReadSnapshotAsync(tx, open.RunId, terminate) is { Run.Status: RunStatus.Running } snapshot)
                {
                    var effects = RunDecider.Decide(snapshot, terminate, context);
                    LogNotes(snapshot.Run, effects);
                    await WriteAsync(tx, snapshot, terminate.Needs, effects, written);
                    terminated = (snapshot, effects);
                }
                if (open.RunId == old.RunId)
                {
                    // the terminate appended what was buffered (signals among it): they come after the point, so they are re-applied
                    events = [.. events, .. await ResetStore.ReadHistoryAsync(tx, old.RunId, events.Count == 0 ? 0 : events[^1].EventId)];
                }
            }
            var plan = ResetPoint.Plan(events, target, out error)
                ?? throw new InvalidOperationException($"The reset point of run {old.RunId} was valid before its terminate and is not after it: {error}");
            var (created, rows) = ResetRun.Build(old, plan, context);
            try
            {
                await CreateRunAsync(tx, created, written);
            }
            catch (WorkflowAlreadyRunningException)
            {
                return new ResetOutcome(ResetOutcomeKind.Conflict, old, Detail:
                    $"A run of workflow '{workflowId}' was started while the reset ran; nothing was changed. Try again (the new run is then the latest).");
            }
            await store.WriteChangeAsync(tx, rows, [], []);
            if (rows.InsertTimers.Count > 0)
            {
                var earliest = rows.InsertTimers.Min(t => t.FireAt);
                written.EarliestTimer = written.EarliestTimer is { } e && e < earliest ? e : earliest;
            }
            await ResetStore.LinkAsync(tx, old.RunId, created.Run.RunId);
            await tx.CommitAsync();

            AfterCommit(written);
            closes.StartedHere(workflowId);
            telemetry.RunStarted(created.Run.WorkflowType);
            if (terminated is { } t)
            {
                try
                {
                    await NotifyParentAsync(t.Snapshot, t.Effects);
                }
                catch (Exception ex) when (ex is NpgsqlException or ConcurrencyConflictException or TimeoutException)
                {
                    // the reset committed; the sweeper tells the parent (parent_notified is still false)
                    Log.ParentNoticeDeferred(logger, t.Snapshot.Run.ParentRunId!.Value, t.Snapshot.Run.RunId, ex.GetType().Name);
                }
            }
            return new ResetOutcome(ResetOutcomeKind.Reset, old with { ResetToRunId = created.Run.RunId }, created.Run, plan, terminated?.Snapshot.Run.RunId);
        }
    }
}
