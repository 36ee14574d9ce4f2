using Npgsql;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Updates;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// The transactional shell around <see cref="RunDecider"/>: lock the run and read its snapshot, decide, write the effects,
/// commit, then hand the messages to the relay and the closes to their waiters. The only place that changes runs in
/// PostgreSQL. Requests for other runs are kept in lock order: a child is locked after its parent (the parent-close
/// policy), a parent is told of its child's close in a transaction of its own after the child's commits.
/// </summary>
internal sealed partial class RunShell(HistoryStore history, DispatchStore store, EngineSettings settings, OutboxRelay relay, RunCloseNotifier closes,
    EngineTelemetry telemetry, TimerWakeup timers, UpdateStore updates, UpdateWaiters updateWaiters, ExternalRequestStore externalRequests,
    External.ExternalRequestQueue externalQueue, ILogger<RunShell> logger)
{
    /// <summary>Applies <paramref name="trigger"/> to the run <paramref name="runId"/>.</summary>
    public async Task<RunOutcome> ExecuteAsync(Guid runId, RunTrigger trigger)
    {
        var (connection, tx) = await history.BeginAsync();
        await using (connection)
        await using (tx)
        {
            var snapshot = await ReadSnapshotAsync(tx, runId, trigger);
            return snapshot is null ? RunOutcome.NoRun : await DecideAndCommitAsync(tx, snapshot, trigger);
        }
    }

    /// <summary>Applies <paramref name="trigger"/> to the open run of <paramref name="workflowId"/> (<see cref="RunOutcome.NoRun"/> when it has none).</summary>
    /// <param name="workflowId">The workflow.</param>
    /// <param name="trigger">What to apply.</param>
    /// <param name="claim">
    /// Runs first in the transaction (a trigger claims its event there, so the event and its signal commit together); an
    /// exception from it rolls everything back and leaves this call. Without a change to the run the claim rolls back too.
    /// </param>
    public async Task<RunOutcome> ExecuteOnOpenRunAsync(string workflowId, RunTrigger trigger, Func<NpgsqlTransaction, Task>? claim = null)
    {
        var (connection, tx) = await history.BeginAsync();
        await using (connection)
        await using (tx)
        {
            if (claim is not null)
            {
                await claim(tx);
            }
            if (await store.LockOpenRunAsync(tx, workflowId) is not { } open)
            {
                return RunOutcome.NoRun;
            }
            var snapshot = await ReadSnapshotAsync(tx, open.RunId, trigger);
            return snapshot is not { Run.Status: RunStatus.Running } ? RunOutcome.NoRun : await DecideAndCommitAsync(tx, snapshot, trigger);
        }
    }

    /// <summary>Creates a run as a client asked (<see cref="RunDecider.Start"/>).</summary>
    /// <exception cref="WorkflowAlreadyRunningException">a run with that workflow id is still open.</exception>
    public async Task<WorkflowRunRecord> StartAsync(StartWorkflowRequest request)
    {
        var created = RunDecider.Start(request, new DecisionContext(settings.UtcNow(), settings));
        var (connection, tx) = await history.BeginAsync();
        await using (connection)
        await using (tx)
        {
            var written = new Written();
            await CreateRunAsync(tx, created, written);
            await tx.CommitAsync();
            AfterCommit(written);
        }
        closes.StartedHere(created.Run.WorkflowId);
        telemetry.RunStarted(created.Run.WorkflowType);
        return created.Run;
    }

    /// <summary>
    /// Creates a run in the caller's transaction (a schedule commits it with its cursor, so a time starts once); the caller
    /// runs the returned action after its commit (messages to the relay, timers, waiters), and drops it on a rollback.
    /// </summary>
    /// <exception cref="WorkflowAlreadyRunningException">a run with that workflow id is still open (the transaction is aborted).</exception>
    public async Task<(WorkflowRunRecord Run, Action AfterCommit)> StartInTransactionAsync(NpgsqlTransaction tx, StartWorkflowRequest request)
    {
        var created = RunDecider.Start(request, new DecisionContext(settings.UtcNow(), settings));
        var written = new Written();
        await CreateRunAsync(tx, created, written);
        return (created.Run, () =>
        {
            AfterCommit(written);
            closes.StartedHere(created.Run.WorkflowId);
            telemetry.RunStarted(created.Run.WorkflowType);
        });
    }

    /// <summary>How many times <see cref="SignalWithStartAsync"/> tries before it gives up on a workflow id whose runs keep being created by others.</summary>
    public const int MaxSignalWithStartAttempts = 8;

    /// <summary>
    /// Signal-with-start: signals the open run of the request's workflow id (its lock follows a continue-as-new hand-over,
    /// <see cref="DispatchStore.LockOpenRunAsync"/>), or, when it has none, creates a run whose first events carry the signal
    /// (<see cref="RunDecider.Start"/>). Atomic under concurrency: of concurrent creators the open-run index lets one commit,
    /// the others fail with <see cref="WorkflowAlreadyRunningException"/> (their transaction rolls back, nothing is written)
    /// and try again in a new transaction, which finds that run and signals it.
    /// </summary>
    /// <returns>The run signaled or created, and whether this call created it.</returns>
    /// <exception cref="WorkflowAlreadyRunningException">
    /// <see cref="MaxSignalWithStartAttempts"/> attempts in a row lost the race (runs of the id were closed and created again between them).
    /// </exception>
    /// <param name="request">The run to start when the id has no open run.</param>
    /// <param name="signal">The signal.</param>
    /// <param name="claim">Runs first in each attempt's transaction (as for <see cref="ExecuteOnOpenRunAsync"/>).</param>
    public async Task<(WorkflowRunRecord Run, bool Started)> SignalWithStartAsync(StartWorkflowRequest request, SignalTrigger signal,
        Func<NpgsqlTransaction, Task>? claim = null)
    {
        var workflowId = request.WorkflowId ?? throw new ArgumentException("Signal-with-start needs a workflow id.", nameof(request));
        for (var attempt = 1; ; attempt++)
        {
            var (connection, tx) = await history.BeginAsync();
            await using (connection)
            await using (tx)
            {
                if (claim is not null)
                {
                    await claim(tx);
                }
                if (await store.LockOpenRunAsync(tx, workflowId) is { } open
                    && await ReadSnapshotAsync(tx, open.RunId, signal) is { Run.Status: RunStatus.Running } snapshot)
                {
                    await DecideAndCommitAsync(tx, snapshot, signal); // a running run always takes a signal (appended or buffered)
                    return (snapshot.Run, false);
                }
                var created = RunDecider.Start(request, new DecisionContext(settings.UtcNow(), settings), signal);
                var written = new Written();
                try
                {
                    await CreateRunAsync(tx, created, written);
                    await tx.CommitAsync();
                }
                catch (WorkflowAlreadyRunningException) when (attempt < MaxSignalWithStartAttempts)
                {
                    continue; // another creator committed first; the next attempt signals its run
                }
                AfterCommit(written);
                closes.StartedHere(created.Run.WorkflowId);
                telemetry.RunStarted(created.Run.WorkflowType);
                return (created.Run, true);
            }
        }
    }

    /// <summary>The snapshot the trigger needs, read and locked in one round trip (and, for some triggers, a second); null when the run does not exist.</summary>
    private async Task<RunSnapshot?> ReadSnapshotAsync(NpgsqlTransaction tx, Guid runId, RunTrigger trigger)
    {
        var locked = await store.LockRunAsync(tx, runId, trigger.Needs, (trigger as IActivityTrigger)?.ScheduledEventId ?? 0, settings.UtcNow());
        return await CompleteSnapshotAsync(tx, locked, trigger);
    }

    /// <summary>The snapshot from what was locked with the run, and what some triggers need read after it.</summary>
    private async Task<RunSnapshot?> CompleteSnapshotAsync(NpgsqlTransaction tx, RunLock locked, RunTrigger trigger)
    {
        if (locked.Run is not { } run)
        {
            return null;
        }
        var childIds = trigger switch
        {
            WorkflowTaskCompletedTrigger t => t.ChildWorkflowIds.ToList(),
            ActivityCompletedTrigger t => t.ChildWorkflowIds.ToList(),
            _ => [],
        };
        var canceledSeqs = trigger switch
        {
            WorkflowTaskCompletedTrigger t => t.CanceledActivitySeqs.Distinct().ToArray(),
            ActivityCompletedTrigger t => t.CanceledActivitySeqs.Distinct().ToArray(),
            _ => [],
        };
        var reuseIds = trigger switch
        {
            WorkflowTaskCompletedTrigger t => t.ReusePolicyChildIds.Distinct(StringComparer.Ordinal).ToArray(),
            ActivityCompletedTrigger t => t.ReusePolicyChildIds.Distinct(StringComparer.Ordinal).ToArray(),
            _ => [],
        };
        return new RunSnapshot
        {
            Run = run, Task = locked.Task, Activity = locked.Activity, Buffered = locked.Buffered, Tail = locked.Tail, DueTimers = locked.DueTimers,
            OpenWorkflowIds = childIds.Count > 0 && run.Status == RunStatus.Running ? await store.OpenWorkflowIdsAsync(tx, childIds) : new HashSet<string>(),
            LatestRunStatuses = reuseIds.Length > 0 && run.Status == RunStatus.Running ? await store.LatestRunStatusesAsync(tx, reuseIds) : new Dictionary<string, string>(),
            CanceledActivities = canceledSeqs.Length > 0 && run.Status == RunStatus.Running ? await store.LockActivitiesBySeqAsync(tx, run.RunId, canceledSeqs) : [],
            // a child is locked after its parent, as everywhere
            Child = trigger is ChildClosedTrigger c ? await store.LockRunAsync(tx, c.ChildRunId) : null,
        };
    }

    private async Task<RunOutcome> DecideAndCommitAsync(NpgsqlTransaction tx, RunSnapshot snapshot, RunTrigger trigger)
    {
        var effects = RunDecider.Decide(snapshot, trigger, new DecisionContext(settings.UtcNow(), settings));
        LogNotes(snapshot.Run, effects);
        if (effects.IsEmpty)
        {
            return RunOutcome.Unchanged; // nothing to write: what the snapshot took (buffered events, due timers) comes back with the rollback
        }
        var written = new Written();
        await WriteAsync(tx, snapshot, trigger.Needs, effects, written);
        await tx.CommitAsync();
        AfterCommit(written);
        await NotifyParentAsync(snapshot, effects);
        return RunOutcome.Changed;
    }

    /// <summary>After a close commits: the parent is told (a transaction of its own; the sweeper tells it if this one is lost).</summary>
    private async Task NotifyParentAsync(RunSnapshot snapshot, RunEffects effects)
    {
        if (effects.Close is { NextRunId: null } close && close.Status != RunStatus.ContinuedAsNew && snapshot.Run.ParentRunId is { } parent)
        {
            await ExecuteAsync(parent, new ChildClosedTrigger(snapshot.Run.RunId));
        }
    }

    /// <summary>
    /// Applies worker answers to their runs in one transaction (group commit): the runs (distinct, in run id order, so
    /// that two batches lock alike) are locked and read in one round trip, decided one by one, and their writes go in one
    /// round trip and one commit. Buffered events are read, not taken, so that a run whose decision is empty is left as
    /// it was while the others commit. Any error rolls the whole batch back (the caller then applies each alone).
    /// </summary>
    public async Task<IReadOnlyList<RunOutcome>> ExecuteBatchAsync(IReadOnlyList<(Guid RunId, RunTrigger Trigger)> items)
    {
        var outcomes = new RunOutcome[items.Count];
        var decided = new List<(RunSnapshot Snapshot, RunTrigger Trigger, SnapshotNeeds Needs, RunEffects Effects)>(items.Count);
        var (connection, tx) = await history.BeginAsync();
        await using (connection)
        await using (tx)
        {
            var requests = items.Select(i => new LockRequest(i.RunId, BatchNeeds(i.Trigger.Needs), (i.Trigger as IActivityTrigger)?.ScheduledEventId ?? 0)).ToList();
            var locks = await store.LockRunsAsync(tx, requests, settings.UtcNow());
            for (var i = 0; i < items.Count; i++)
            {
                if (await CompleteSnapshotAsync(tx, locks[i], items[i].Trigger) is not { } snapshot)
                {
                    outcomes[i] = RunOutcome.NoRun;
                    continue;
                }
                var effects = RunDecider.Decide(snapshot, items[i].Trigger, new DecisionContext(settings.UtcNow(), settings));
                LogNotes(snapshot.Run, effects);
                outcomes[i] = effects.IsEmpty ? RunOutcome.Unchanged : RunOutcome.Changed;
                if (!effects.IsEmpty)
                {
                    decided.Add((snapshot, items[i].Trigger, requests[i].Needs, effects));
                }
            }
            if (decided.Count == 0)
            {
                return outcomes; // nothing taken, nothing to write
            }
            var written = new Written { BatchRuns = decided.Select(d => d.Snapshot.Run.RunId).ToHashSet() };
            var writes = new List<RunWrite>(decided.Count);
            foreach (var (snapshot, _, needs, effects) in decided)
            {
                writes.Add(await WriteOperationsAsync(tx, snapshot, needs, effects, written));
            }
            var ids = await store.WriteChangesAsync(tx, writes);
            for (var i = 0; i < decided.Count; i++)
            {
                await CollectMessagesAsync(tx, decided[i].Snapshot, decided[i].Effects, writes[i].Outbox, ids[i], written);
            }
            await tx.CommitAsync();
            AfterCommit(written);
        }
        foreach (var (snapshot, _, _, effects) in decided)
        {
            try
            {
                await NotifyParentAsync(snapshot, effects);
            }
            catch (Exception e) when (e is NpgsqlException or ConcurrencyConflictException or TimeoutException)
            {
                // the batch committed: its answers are applied; the sweeper tells the parent (parent_notified is still false)
                Log.ParentNoticeDeferred(logger, snapshot.Run.ParentRunId!.Value, snapshot.Run.RunId, e.GetType().Name);
            }
        }
        return outcomes;
    }

    /// <summary>What a run of a batch reads: buffered events read instead of taken (<see cref="ExecuteBatchAsync"/>).</summary>
    private static SnapshotNeeds BatchNeeds(SnapshotNeeds needs) =>
        needs.HasFlag(SnapshotNeeds.TakeBuffered) ? (needs & ~SnapshotNeeds.TakeBuffered) | SnapshotNeeds.ReadBuffered : needs;

    /// <summary>Whether a trigger can go in a batch: it takes nothing with its lock (due timers) and locks no second run.</summary>
    public static bool CanBatch(RunTrigger trigger) =>
        !trigger.Needs.HasFlag(SnapshotNeeds.DueTimers) && trigger is not ChildClosedTrigger;

    /// <summary>What a transaction wrote that matters after its commit.</summary>
    private sealed class Written
    {
        public List<OutgoingMessage> Messages { get; } = [];

        public List<WorkflowRunRecord> Closed { get; } = [];

        public DateTime? EarliestTimer { get; set; }

        /// <summary>Workflow ids with an update outcome written (their callers are woken; a close wakes them too).</summary>
        public HashSet<string> UpdatedWorkflows { get; } = new(StringComparer.Ordinal);

        /// <summary>Requests to other workflows written (delivered after the commit).</summary>
        public List<(Guid RunId, int Seq)> ExternalRequests { get; } = [];

        /// <summary>In a group commit: the runs of the batch, decided on snapshots that no other write of the batch may change.</summary>
        public IReadOnlySet<Guid> BatchRuns { get; init; } = new HashSet<Guid>();
    }

    private void AfterCommit(Written written)
    {
        relay.Enqueue(written.Messages);
        if (written.EarliestTimer is { } fireAt)
        {
            timers.TimerAdded(fireAt);
        }
        foreach (var closed in written.Closed)
        {
            closes.Notify(closed);
            telemetry.RunClosed(closed.Status);
            updateWaiters.Notify(closed.WorkflowId);
        }
        foreach (var workflowId in written.UpdatedWorkflows)
        {
            updateWaiters.Notify(workflowId);
        }
        externalQueue.Enqueue(written.ExternalRequests);
    }

    /// <summary>Writes one run's effects: runs created and its close in the decided order (a close reaches the open children), then the rest.</summary>
    private async Task WriteAsync(NpgsqlTransaction tx, RunSnapshot snapshot, SnapshotNeeds needs, RunEffects effects, Written written)
    {
        var write = await WriteOperationsAsync(tx, snapshot, needs, effects, written);
        var ids = await store.WriteChangeAsync(tx, write.Effects, write.ConsumedBufferIds, write.Outbox);
        await CollectMessagesAsync(tx, snapshot, effects, write.Outbox, ids, written);
    }

    /// <summary>
    /// The runs a decision created and its close, in the decided order (a close reaches the open children); returns the
    /// rest of its writes, for <see cref="DispatchStore.WriteChangesAsync"/>.
    /// </summary>
    private async Task<RunWrite> WriteOperationsAsync(NpgsqlTransaction tx, RunSnapshot snapshot, SnapshotNeeds needs, RunEffects effects, Written written)
    {
        var run = snapshot.Run;
        if (effects.CompletedUpdates.Count > 0)
        {
            written.UpdatedWorkflows.Add(run.WorkflowId);
        }
        foreach (var operation in effects.Operations)
        {
            switch (operation)
            {
                case NewRun created:
                    await CreateRunAsync(tx, created, written);
                    break;
                case CloseRun close:
                    var openChildren = await store.CloseRunAsync(tx, run.RunId, close.Status, close.Result, close.Failure, close.ClosedAt, close.NextRunId,
                        RunCloseNotifier.Announcement(settings.InstanceId, run.WorkflowId, close.NextRunId is not null),
                        effects.CompletedUpdates.Select(u => u.UpdateId).ToArray());
                    written.Closed.Add(run with
                    {
                        Status = close.Status, Result = close.Result, Failure = close.Failure, ClosedAt = close.ClosedAt, NextRunId = close.NextRunId,
                        NextEventId = run.NextEventId + effects.Events.Count,
                    });
                    await ApplyParentClosePolicyAsync(tx, run.RunId, close.Status, openChildren, written);
                    break;
            }
        }

        // buffered events the decision used are deleted, unless the snapshot took them already (or the close deleted them)
        var consumed = effects.BufferedConsumed && effects.Close is null && !needs.HasFlag(SnapshotNeeds.TakeBuffered)
            ? snapshot.Buffered.Select(b => b.Id).ToList()
            : [];
        var outbox = effects.ActivityMessages
            .Select(m => new OutboxRow(QueueNames.ActivityTasks(m.TaskQueue), OutboxMessageTypes.ActivityTask, RunDecision.Json(m)))
            .ToList();
        return new RunWrite(effects, consumed, outbox);
    }

    /// <summary>The messages of a written decision: its activity messages (with their outbox ids) and its workflow task's.</summary>
    private async Task CollectMessagesAsync(NpgsqlTransaction tx, RunSnapshot snapshot, RunEffects effects, IReadOnlyList<OutboxRow> outbox,
        IReadOnlyList<long> ids, Written written)
    {
        var run = snapshot.Run;
        written.ExternalRequests.AddRange(effects.ExternalRequests.Select(r => (effects.RunId, r.Seq)));
        for (var i = 0; i < ids.Count; i++)
        {
            written.Messages.Add(new OutgoingMessage(outbox[i].Destination, effects.ActivityMessages[i], ids[i]));
        }
        if (effects.SendTask && effects.Task is { } task)
        {
            IReadOnlyList<StoredEvent>? stored = null;
            if (TaskMessages.NeedsStoredSlice(run, task, run.NextEventId + effects.Events.Count))
            {
                // read with the lock when the trigger asked for the tail (the same range, bounded alike), else now
                stored = TaskMessages.TailIsSlice(snapshot.Tail, run, task)
                    ? snapshot.Tail
                    : await store.ReadTaskSliceAsync(tx, run.RunId, task.EventsFrom, run.NextEventId, TaskMessageLimits.MaxBytes);
            }
            written.Messages.Add(new OutgoingMessage(QueueNames.WorkflowTasks(run.TaskQueue), TaskMessages.Build(run, task, effects.Events, stored),
                TimeToLive: effects.TaskTimeToLive));
        }
        if (effects.InsertTimers.Count > 0)
        {
            var earliest = effects.InsertTimers.Min(t => t.FireAt);
            written.EarliestTimer = written.EarliestTimer is { } e && e < earliest ? e : earliest;
        }
    }

    private async Task CreateRunAsync(NpgsqlTransaction tx, NewRun created, Written written)
    {
        await store.CreateRunAsync(tx, created);
        if (created.Message is { } message)
        {
            written.Messages.Add(new OutgoingMessage(QueueNames.WorkflowTasks(created.Run.TaskQueue), message));
        }
        if (created.RunTimeout is { } timer)
        {
            written.EarliestTimer = written.EarliestTimer is { } e && e < timer.FireAt ? e : timer.FireAt;
        }
    }

    /// <summary>
    /// The run closed: each open child is terminated (default), asked to cancel, or left running (abandon), in this
    /// transaction.
    /// </summary>
    /// <remarks>
    /// The open children are read without locks, then locked one by one. A child that was closing into its next run
    /// (continue-as-new, workflow retry) while we waited for its lock is found closed with a <c>next_run_id</c>; that next
    /// run, committed before the lock was granted, is locked in turn (a new statement sees it), until an open run or the
    /// chain's end. So the policy reaches the child's current run whatever generation it is in, and that run cannot hand
    /// over to a next one before this transaction commits: a hand-over happens only in a transaction that holds its lock.
    /// </remarks>
    private async Task ApplyParentClosePolicyAsync(NpgsqlTransaction tx, Guid parentRunId, string parentStatus,
        IReadOnlyList<(Guid RunId, string? Policy)> openChildren, Written written)
    {
        foreach (var (listedRunId, policy) in openChildren)
        {
            if (policy == "Abandon")
            {
                continue;
            }
            var trigger = new ParentClosedTrigger(parentRunId, parentStatus, policy);
            var child = await ReadSnapshotAsync(tx, listedRunId, trigger);
            while (child is { Run: { Status: not RunStatus.Running, NextRunId: { } next } } && child.Run.ParentRunId == parentRunId)
            {
                child = await ReadSnapshotAsync(tx, next, trigger);
            }
            if (child is not { Run.Status: RunStatus.Running } || child.Run.ParentRunId != parentRunId)
            {
                continue;
            }
            if (written.BatchRuns.Contains(child.Run.RunId))
            {
                // the child's own answer is in this batch, decided before the policy changed it (e.g. a continue-as-new that
                // would drop a cancel request or outlive a terminate): the batch rolls back and each answer goes alone
                throw new GroupCommitConflictException(parentRunId, child.Run.RunId);
            }
            var effects = RunDecider.Decide(child, trigger, new DecisionContext(settings.UtcNow(), settings));
            LogNotes(child.Run, effects);
            if (!effects.IsEmpty)
            {
                await WriteAsync(tx, child, trigger.Needs, effects, written);
            }
        }
    }

    private void LogNotes(WorkflowRunRecord run, RunEffects effects)
    {
        foreach (var note in effects.Notes)
        {
            switch (note.Kind)
            {
                case DecisionNoteKind.Stale:
                    Log.StaleAnswer(logger, note.Text, run.RunId, note.ScheduledEventId, note.Attempt);
                    break;
                case DecisionNoteKind.InvalidCommand:
                    Log.InvalidCommand(logger, run.WorkflowId, run.RunId, note.ScheduledEventId, note.Text);
                    break;
                case DecisionNoteKind.WorkflowTaskFailed:
                    Log.WorkflowTaskFailed(logger, run.WorkflowId, run.RunId, note.Text, note.Detail);
                    break;
                case DecisionNoteKind.LateActivityAnswer:
                    Log.LateActivityAnswer(logger, run.WorkflowId, run.RunId, note.ScheduledEventId, note.Attempt, note.Late);
                    break;
                case DecisionNoteKind.ContinuationNotApplied:
                    Log.ContinuationNotApplied(logger, run.RunId, note.ScheduledEventId, note.AssumedEventId, note.NextEventId);
                    break;
                case DecisionNoteKind.WorkflowTaskOverdue:
                    Log.WorkflowTaskOverdue(logger, run.WorkflowId, run.RunId, note.ScheduledEventId, note.Attempt, note.Sent);
                    break;
                case DecisionNoteKind.WorkflowTaskUnsent:
                    Log.WorkflowTaskUnsent(logger, run.WorkflowId, run.RunId, note.ScheduledEventId, note.Attempt);
                    break;
            }
        }
    }

    /// <summary>A worker took an activity attempt: the ScheduleToStart limit no longer applies to it (no decision: the row's due time moves).</summary>
    public Task RecordPickUpAsync(ActivityTaskStartedMessage started) =>
        store.RecordPickUpAsync(started.RunId, started.ScheduledEventId, started.Attempt, settings.UtcNow());

    /// <summary>An attempt is alive; details over the size limit are not kept (the earlier ones stay), the heartbeat counts.</summary>
    /// <returns>Whether the workflow asked to cancel the attempt (its worker is then told).</returns>
    public async Task<bool> RecordHeartbeatAsync(ActivityHeartbeatMessage heartbeat)
    {
        var tooLarge = CommandValidator.CheckPayload("details", heartbeat.Details) is not null;
        if (tooLarge)
        {
            Log.HeartbeatDetailsTooLarge(logger, heartbeat.RunId, heartbeat.ScheduledEventId, heartbeat.Attempt);
        }
        return await store.RecordHeartbeatAsync(heartbeat.RunId, heartbeat.ScheduledEventId, heartbeat.Attempt,
            tooLarge ? null : heartbeat.Details?.GetRawText(), settings.UtcNow(), keepDetails: tooLarge) == TaskState.Canceling;
    }
}

/// <summary>What <see cref="RunShell.ExecuteAsync"/> found and did.</summary>
internal enum RunOutcome
{
    /// <summary>No such run (or, by workflow id, no open run).</summary>
    NoRun,
    /// <summary>The decision changed nothing (a stale answer, a due item another engine took).</summary>
    Unchanged,
    Changed,
}

/// <summary>Kinds of outbox messages (<c>outbox.message_type</c>).</summary>
internal static class OutboxMessageTypes
{
    public const string WorkflowTask = "workflow-task";
    public const string ActivityTask = "activity-task";
}

/// <summary>
/// A group commit's parent-close policy reached a run whose own answer is in the same batch: that answer was decided on a
/// snapshot the policy changes, so the batch must roll back (its answers are then applied alone, in order).
/// </summary>
internal sealed class GroupCommitConflictException(Guid parentRunId, Guid childRunId)
    : Exception($"The close policy of run {parentRunId} reached child run {childRunId}, whose own answer is in the same group commit.");
