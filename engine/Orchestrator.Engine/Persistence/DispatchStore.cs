using Dapper;
using Npgsql;
using Orchestrator.Engine.Decider;

namespace Orchestrator.Engine.Persistence;

/// <summary>
/// Data access of the dispatcher: locks on runs, workflow and activity task rows, buffered events, timers and
/// the outbox. Every writing method runs in the caller's transaction.
/// </summary>
internal sealed partial class DispatchStore(NpgsqlDataSource dataSource)
{
    static DispatchStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    private static Task<T?> One<T>(NpgsqlTransaction tx, string sql, object args) =>
        tx.Connection!.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, args, tx));

    private static Task<int> Exec(NpgsqlTransaction tx, string sql, object args) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(sql, args, tx));

    public Task<WorkflowRunRecord?> LockRunAsync(NpgsqlTransaction tx, Guid runId) => One<WorkflowRunRecord>(tx, SqlStatements.LockRun, new { RunId = runId });

    /// <summary>
    /// The reads that open a run transaction, in one round trip: the run and its workflow task row (locked), and what the
    /// trigger needs (<see cref="SnapshotNeeds"/>): the activity row it is for (locked; and the run's events since its idle
    /// workflow task), the buffered events (taken: deleted, back if the transaction does not commit; or read), the timers
    /// due by <paramref name="now"/> (taken).
    /// </summary>
    public async Task<RunLock> LockRunAsync(NpgsqlTransaction tx, Guid runId, SnapshotNeeds needs = SnapshotNeeds.None, long activityScheduledEventId = 0,
        DateTime now = default) =>
        (await LockRunsAsync(tx, [new LockRequest(runId, needs, activityScheduledEventId)], now))[0];

    /// <summary>
    /// <see cref="LockRunAsync(NpgsqlTransaction, Guid, SnapshotNeeds, long, DateTime)"/> for several runs in one round trip
    /// (group commit): locked in the order given, which callers keep by run id so that two batches cannot deadlock.
    /// </summary>
    public async Task<IReadOnlyList<RunLock>> LockRunsAsync(NpgsqlTransaction tx, IReadOnlyList<LockRequest> requests, DateTime now)
    {
        var batch = new StatementBatch();
        foreach (var request in requests)
        {
            AddLock(batch.Next(), request, now);
        }
        await using var grid = await tx.Connection!.QueryMultipleAsync(new CommandDefinition(batch.Sql, batch.Args, tx));
        var locks = new List<RunLock>(requests.Count);
        foreach (var request in requests)
        {
            locks.Add(await ReadLockAsync(grid, request.Needs));
        }
        return locks;
    }

    private static void AddLock(StatementBatch.Part part, LockRequest request, DateTime now)
    {
        var n = request.Needs;
        part.Sql(SqlStatements.LockRun).Sql(SqlStatements.LockWorkflowTask).Arg("RunId", request.RunId);
        if (n.HasFlag(SnapshotNeeds.Activity))
        {
            part.Sql(SqlStatements.LockActivityTask).Arg("ScheduledEventId", request.ActivityScheduledEventId);
            if (n.HasFlag(SnapshotNeeds.Tail))
            {
                part.Sql(SqlStatements.ReadIdleTail).Arg("TailLimit", Dispatch.TaskMessageLimits.MaxEvents).Arg("TailBytes", Dispatch.TaskMessageLimits.MaxBytes);
            }
        }
        if (n.HasFlag(SnapshotNeeds.TakeBuffered))
        {
            part.Sql(SqlStatements.TakeBufferedEvents);
        }
        else if (n.HasFlag(SnapshotNeeds.ReadBuffered))
        {
            part.Sql(SqlStatements.ReadBufferedEvents);
        }
        if (n.HasFlag(SnapshotNeeds.DueTimers))
        {
            part.Sql(SqlStatements.TakeDueTimers).Arg("Now", now);
        }
    }

    private static async Task<RunLock> ReadLockAsync(SqlMapper.GridReader grid, SnapshotNeeds needs)
    {
        var run = await grid.ReadSingleOrDefaultAsync<WorkflowRunRecord>();
        var task = await grid.ReadSingleOrDefaultAsync<WorkflowTaskRow>();
        ActivityTaskRow? activity = null;
        IReadOnlyList<StoredEvent>? tail = null;
        if (needs.HasFlag(SnapshotNeeds.Activity))
        {
            activity = await grid.ReadSingleOrDefaultAsync<ActivityTaskRow>();
            if (needs.HasFlag(SnapshotNeeds.Tail))
            {
                var rows = (await grid.ReadAsync<StoredEventRow>()).Select(r => r.ToEvent()).ToList();
                tail = task is { State: TaskState.Idle } ? rows : null;
            }
        }
        IReadOnlyList<BufferedEventRow> buffered = needs.HasFlag(SnapshotNeeds.TakeBuffered) || needs.HasFlag(SnapshotNeeds.ReadBuffered)
            ? (await grid.ReadAsync<BufferedEventRow>()).OrderBy(r => r.Id).ToList()
            : [];
        IReadOnlyList<TimerTaken> timers = needs.HasFlag(SnapshotNeeds.DueTimers)
            ? (await grid.ReadAsync<(string TimerKey, string Payload)>()).Select(t => new TimerTaken(t.TimerKey, t.Payload)).ToList()
            : [];
        return new RunLock(run, task, activity, buffered, tail, timers);
    }

    /// <summary>
    /// Creates a run a decision started, in one round trip: its row, its first events, its first workflow task, its run
    /// timeout timer, and a cancel request handed on to it (flag and buffered events).
    /// </summary>
    /// <exception cref="WorkflowAlreadyRunningException">a run with that workflow id is still open.</exception>
    public async Task CreateRunAsync(NpgsqlTransaction tx, NewRun created)
    {
        var (run, task) = (created.Run, created.Task);
        var statements = new List<string> { SqlStatements.InsertRun, SqlStatements.AppendEvents, SqlStatements.InsertFirstWorkflowTask };
        var args = new DynamicParameters(new
        {
            run.RunId, run.WorkflowId, run.WorkflowType, run.TaskQueue, run.Status, run.Input, run.StartedAt, run.PreviousRunId,
            run.ParentWorkflowId, run.ParentRunId, run.TraceParent, run.ParentSeq, run.ParentClosePolicy, run.RunTimeout, run.RetryPolicy, run.Attempt, run.ExecutionDeadline,
            run.SearchAttributes, Expected = 1L,
            Types = created.Events.Select(e => e.EventType).ToArray(),
            Timestamps = created.Events.Select(e => e.Timestamp.ToUniversalTime()).ToArray(),
            Attributes = created.Events.Select(e => e.AttributesJson).ToArray(),
            TaskScheduledEventId = task.ScheduledEventId, TaskState = task.State, TaskDispatchAfter = task.DispatchAfter, TaskDispatchedAt = task.DispatchedAt,
        });
        if (created.RunTimeout is { } timer)
        {
            statements.Add(SqlStatements.InsertTimers);
            args.AddDynamicParams(new { TimerKeys = new[] { timer.TimerKey }, TimerFireAt = new[] { timer.FireAt }, TimerPayloads = new[] { timer.Payload } });
        }
        if (created.CancelRequested)
        {
            statements.Add(SqlStatements.SetCancelRequested);
        }
        if (created.Buffered is { Count: > 0 } buffered)
        {
            statements.Add(SqlStatements.InsertBufferedEvents);
            args.AddDynamicParams(new
            {
                BufferTypes = buffered.Select(b => b.EventType).ToArray(), BufferAttributes = buffered.Select(b => b.AttributesJson).ToArray(),
                BufferOccurredAt = buffered.Select(b => b.OccurredAt).ToArray(),
            });
        }
        try
        {
            await tx.Connection!.ExecuteAsync(new CommandDefinition(string.Join(";\n", statements), args, tx));
        }
        catch (PostgresException e) when (e.SqlState == "23505" && e.ConstraintName == "workflow_runs_open_id")
        {
            throw new WorkflowAlreadyRunningException(run.WorkflowId);
        }
    }

    /// <summary>Of <paramref name="workflowIds"/>, those with an open run.</summary>
    public async Task<IReadOnlySet<string>> OpenWorkflowIdsAsync(NpgsqlTransaction tx, IReadOnlyCollection<string> workflowIds) =>
        workflowIds.Count == 0
            ? new HashSet<string>()
            : (await tx.Connection!.QueryAsync<string>(new CommandDefinition(SqlStatements.OpenWorkflowIds, new { WorkflowIds = workflowIds.ToArray() }, tx)))
                .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// The writes of a decision about one run, in one round trip: activity rows deleted, inserted and updated, the workflow
    /// task row (upsert), timers, buffered events, run flags, the events (optimistic append) and the outbox rows; returns
    /// the outbox ids. Runs created and closes are written before, by the shell, in the decision's order.
    /// </summary>
    /// <param name="tx">The run's transaction.</param>
    /// <param name="effects">The decision's effects.</param>
    /// <param name="consumedBufferIds">Buffered events the decision used that are still stored (read, not taken, with the snapshot).</param>
    /// <param name="outbox">The outbox rows of the decision's activity messages.</param>
    /// <exception cref="ConcurrencyConflictException">another writer appended to the run first (the transaction must roll back).</exception>
    public async Task<IReadOnlyList<long>> WriteChangeAsync(NpgsqlTransaction tx, RunEffects effects, IReadOnlyList<long> consumedBufferIds,
        IReadOnlyList<OutboxRow> outbox) =>
        (await WriteChangesAsync(tx, [new RunWrite(effects, consumedBufferIds, outbox)]))[0];

    /// <summary>
    /// <see cref="WriteChangeAsync"/> for several runs in one round trip (group commit); returns each run's outbox ids.
    /// </summary>
    /// <exception cref="ConcurrencyConflictException">another writer appended to one of the runs first (the transaction must roll back).</exception>
    public async Task<IReadOnlyList<IReadOnlyList<long>>> WriteChangesAsync(NpgsqlTransaction tx, IReadOnlyList<RunWrite> writes)
    {
        var batch = new StatementBatch();
        foreach (var write in writes)
        {
            AddWrite(batch.Next(), write);
        }
        var results = new List<IReadOnlyList<long>>(writes.Count);
        if (batch.IsEmpty)
        {
            results.AddRange(writes.Select(_ => (IReadOnlyList<long>)[]));
            return results;
        }
        await using var grid = await tx.Connection!.QueryMultipleAsync(new CommandDefinition(batch.Sql, batch.Args, tx));
        foreach (var (effects, _, outbox) in writes)
        {
            if (effects.Events.Count > 0 && await grid.ReadSingleAsync<long>() != effects.Events.Count)
            {
                throw new ConcurrencyConflictException(effects.RunId, effects.ExpectedNextEventId);
            }
            results.Add(outbox.Count > 0 ? (await grid.ReadAsync<long>()).ToList() : []);
        }
        return results;
    }

    private static void AddWrite(StatementBatch.Part part, RunWrite write)
    {
        var (effects, consumedBufferIds, outbox) = write;
        var (events, task, closedActivities, newActivities, updated) =
            (effects.Events, effects.Task, effects.DeleteActivities, effects.InsertActivities, effects.UpdateActivities);
        // statements without results first: an error in any of them is thrown before the results are read
        part.Arg("RunId", effects.RunId);
        if (closedActivities.Count > 0)
        {
            part.Sql(SqlStatements.DeleteActivityTasks).Arg("ClosedActivityIds", closedActivities.ToArray());
        }
        if (newActivities.Count > 0)
        {
            part.Sql(SqlStatements.InsertActivityTasks)
                .Arg("ActScheduledEventIds", newActivities.Select(a => a.ScheduledEventId).ToArray())
                .Arg("ActSeqs", newActivities.Select(a => a.Seq).ToArray())
                .Arg("ActNames", newActivities.Select(a => a.ActivityName).ToArray())
                .Arg("ActQueues", newActivities.Select(a => a.TaskQueue).ToArray())
                .Arg("ActInputs", newActivities.Select(a => a.Input).ToArray())
                .Arg("ActOptions", newActivities.Select(a => a.Options).ToArray())
                .Arg("ActAttempts", newActivities.Select(a => a.Attempt).ToArray())
                .Arg("ActStates", newActivities.Select(a => a.State).ToArray())
                .Arg("ActScheduledAt", newActivities.Select(a => a.ScheduledAt).ToArray())
                .Arg("ActDispatchAfter", newActivities.Select(a => a.DispatchAfter).ToArray())
                .Arg("ActStartedAt", newActivities.Select(a => a.StartedAt).ToArray())
                .Arg("ActDeadlines", newActivities.Select(a => a.AttemptDeadline).ToArray())
                .Arg("ActHeartbeatTimeouts", newActivities.Select(a => a.HeartbeatTimeout).ToArray());
        }
        if (updated.Count > 0)
        {
            part.Sql(SqlStatements.UpdateActivityTasks)
                .Arg("UpdScheduledEventIds", updated.Select(a => a.ScheduledEventId).ToArray())
                .Arg("UpdAttempts", updated.Select(a => a.Attempt).ToArray())
                .Arg("UpdStates", updated.Select(a => a.State).ToArray())
                .Arg("UpdStartedAt", updated.Select(a => a.StartedAt).ToArray())
                .Arg("UpdDispatchAfter", updated.Select(a => a.DispatchAfter).ToArray())
                .Arg("UpdLastFailures", updated.Select(a => a.LastFailure).ToArray())
                .Arg("UpdDeadlines", updated.Select(a => a.AttemptDeadline).ToArray())
                .Arg("UpdHeartbeatTimeouts", updated.Select(a => a.HeartbeatTimeout).ToArray())
                .Arg("UpdPickedUpAt", updated.Select(a => a.PickedUpAt).ToArray());
        }
        if (task is not null)
        {
            // the nullable ones typed as Dapper types them when they have a value
            part.Sql(SqlStatements.UpsertWorkflowTask)
                .Arg("ScheduledEventId", task.ScheduledEventId).Arg("Attempt", task.Attempt).Arg("TaskQueue", task.TaskQueue)
                .Arg("EventsFrom", task.EventsFrom).Arg("State", task.State)
                .Arg("DispatchAfter", task.DispatchAfter, System.Data.DbType.DateTime)
                .Arg("LastFailure", task.LastFailure, System.Data.DbType.String).Arg("Sent", task.Sent)
                .Arg("DispatchedAt", task.DispatchedAt, System.Data.DbType.DateTime).Arg("Timeouts", task.Timeouts);
        }
        if (effects.DeleteTimers.Count > 0)
        {
            part.Sql(SqlStatements.DeleteTimers).Arg("DeleteTimerKeys", effects.DeleteTimers.ToArray());
        }
        if (effects.InsertTimers.Count > 0)
        {
            part.Sql(SqlStatements.InsertTimers)
                .Arg("TimerKeys", effects.InsertTimers.Select(t => t.TimerKey).ToArray())
                .Arg("TimerFireAt", effects.InsertTimers.Select(t => t.FireAt).ToArray())
                .Arg("TimerPayloads", effects.InsertTimers.Select(t => t.Payload).ToArray());
        }
        if (consumedBufferIds.Count > 0)
        {
            part.Sql(SqlStatements.DeleteBufferedEvents).Arg("ConsumedBufferIds", consumedBufferIds.ToArray());
        }
        if (effects.Buffer.Count > 0)
        {
            part.Sql(SqlStatements.InsertBufferedEvents)
                .Arg("BufferTypes", effects.Buffer.Select(b => b.EventType).ToArray())
                .Arg("BufferAttributes", effects.Buffer.Select(b => b.AttributesJson).ToArray())
                .Arg("BufferOccurredAt", effects.Buffer.Select(b => b.OccurredAt).ToArray());
        }
        if (effects.SetCancelRequested)
        {
            part.Sql(SqlStatements.SetCancelRequested);
        }
        if (effects.SearchAttributes is { } searchAttributes)
        {
            part.Sql(SqlStatements.SetSearchAttributes).Arg("SearchAttributes", searchAttributes.Json, System.Data.DbType.String);
        }
        if (effects.MarkParentNotified.Count > 0)
        {
            part.Sql(SqlStatements.MarkParentsNotified).Arg("NotifiedRunIds", effects.MarkParentNotified.ToArray());
        }
        if (effects.CompletedUpdates is { Count: > 0 } updates)
        {
            part.Sql(UpdateStatements.Complete)
                .Arg("UpdatesCompletedAt", updates[0].CompletedAt)
                .Arg("CompletedUpdateIds", updates.Select(u => u.UpdateId).ToArray())
                .Arg("CompletedUpdateStatuses", updates.Select(u => u.Status).ToArray())
                .Arg("CompletedUpdateResults", updates.Select(u => u.Result).ToArray())
                .Arg("CompletedUpdateFailures", updates.Select(u => u.Failure).ToArray());
        }
        if (effects.ExternalRequests is { Count: > 0 } requests)
        {
            part.Sql(ExternalRequestStatements.Insert)
                .Arg("ExternalCreatedAt", requests[0].CreatedAt)
                .Arg("ExternalDueAt", requests[0].CreatedAt + ExternalRequestRow.LeftAfter)
                .Arg("ExternalSeqs", requests.Select(r => r.Seq).ToArray())
                .Arg("ExternalKinds", requests.Select(r => r.Kind).ToArray())
                .Arg("ExternalTargets", requests.Select(r => r.TargetWorkflowId).ToArray())
                .Arg("ExternalSignalNames", requests.Select(r => r.SignalName).ToArray())
                .Arg("ExternalInputs", requests.Select(r => r.Input).ToArray())
                .Arg("ExternalReasons", requests.Select(r => r.Reason).ToArray());
        }
        if (events.Count > 0)
        {
            part.Sql(SqlStatements.AppendEvents)
                .Arg("Expected", effects.ExpectedNextEventId)
                .Arg("Types", events.Select(e => e.EventType).ToArray())
                .Arg("Timestamps", events.Select(e => e.Timestamp.ToUniversalTime()).ToArray())
                .Arg("Attributes", events.Select(e => e.AttributesJson).ToArray());
        }
        if (outbox.Count > 0)
        {
            part.Sql(SqlStatements.InsertOutbox)
                .Arg("OutboxDestinations", outbox.Select(r => r.Destination).ToArray())
                .Arg("OutboxTypes", outbox.Select(r => r.MessageType).ToArray())
                .Arg("OutboxMessages", outbox.Select(r => r.Message).ToArray());
        }
    }

    /// <summary>How many times <see cref="LockOpenRunAsync"/> looks again for an open run that closed into a next one while it waited.</summary>
    public const int MaxOpenRunLookups = 64;

    /// <summary>
    /// Locks the open run of a workflow id; null only when, at some moment of the call, the id had no open run. A run
    /// that closes into its next run (continue-as-new, workflow retry) while the lock waits for it is followed to that
    /// next run (<see cref="SqlStatements.LockOpenRunThenProbe"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">the id's open run closed into a next one <see cref="MaxOpenRunLookups"/> times in a row while this waited.</exception>
    public async Task<WorkflowRunRecord?> LockOpenRunAsync(NpgsqlTransaction tx, string workflowId)
    {
        for (var lookup = 0; lookup < MaxOpenRunLookups; lookup++)
        {
            await using var grid = await tx.Connection!.QueryMultipleAsync(new CommandDefinition(SqlStatements.LockOpenRunThenProbe,
                new { WorkflowId = workflowId }, tx));
            var run = await grid.ReadSingleOrDefaultAsync<WorkflowRunRecord>();
            var openNow = await grid.ReadSingleAsync<bool>();
            if (run is not null || !openNow)
            {
                return run;
            }
        }
        throw new InvalidOperationException(
            $"The open run of workflow '{workflowId}' closed into a next run {MaxOpenRunLookups} times while this request waited for it; try again.");
    }

    /// <summary>
    /// Closes a run (row, pending work deleted, the close announced on <see cref="SqlStatements.RunClosedChannel"/> with
    /// <paramref name="announcement"/>) and returns its open children, in one round trip.
    /// </summary>
    /// <param name="finishedUpdateIds">Updates the closing decision completed (the others the run accepted fail with the close).</param>
    public async Task<IReadOnlyList<(Guid RunId, string? Policy)>> CloseRunAsync(NpgsqlTransaction tx, Guid runId, string status, string? result,
        string? failure, DateTime closedAt, Guid? nextRunId, string announcement, string[] finishedUpdateIds)
    {
        await using var grid = await tx.Connection!.QueryMultipleAsync(new CommandDefinition(SqlStatements.CloseRunAndListChildren,
            new
            {
                RunId = runId, Status = status, Result = result, Failure = failure, ClosedAt = closedAt, NextRunId = nextRunId, Announcement = announcement,
                FinishedUpdateIds = finishedUpdateIds,
            }, tx));
        await grid.ReadAsync<int>();
        return (await grid.ReadAsync<(Guid, string?)>()).ToList();
    }

    /// <summary>
    /// Listens on <see cref="SqlStatements.RunClosedChannel"/> on a connection of its own until <paramref name="ct"/> fires or
    /// the connection fails (the exception is thrown); <paramref name="onAnnouncement"/> gets each payload.
    /// </summary>
    public async Task ListenForRunClosesAsync(Action<string> onAnnouncement, Action onListening, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        connection.Notification += (_, e) => onAnnouncement(e.Payload);
        await connection.ExecuteAsync(new CommandDefinition(SqlStatements.ListenRunClosed, cancellationToken: ct));
        onListening();
        try
        {
            while (true)
            {
                await connection.WaitAsync(ct);
            }
        }
        finally
        {
            // the connection goes back to the pool (no reset on close): stop listening first, if it still works
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(SqlStatements.UnlistenAll, cancellationToken: CancellationToken.None));
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
            }
        }
    }

    /// <summary>The events <paramref name="from"/>..<paramref name="until"/>-1 while their attributes add up to at most <paramref name="maxBytes"/>.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadTaskSliceAsync(NpgsqlTransaction tx, Guid runId, long from, long until, long maxBytes)
    {
        var rows = await tx.Connection!.QueryAsync<StoredEventRow>(
            new CommandDefinition(SqlStatements.ReadTaskSlice, new { RunId = runId, From = from, Until = until, MaxBytes = maxBytes }, tx));
        return rows.Select(r => r.ToEvent()).ToList();
    }

    public async Task<IReadOnlyList<OutboxRow>> TakeOutboxBatchAsync(NpgsqlTransaction tx, int limit)
    {
        var rows = await tx.Connection!.QueryAsync<(long Id, string Destination, string MessageType, string Message, int Attempts)>(
            new CommandDefinition(SqlStatements.TakeOutboxBatch, new { Limit = limit }, tx));
        return rows.Select(r => new OutboxRow(r.Destination, r.MessageType, r.Message, r.Id, r.Attempts)).ToList();
    }

    /// <summary>Counts a failed send of each row (with its error) and puts it aside for its back-off; the rows stay.</summary>
    public Task RecordOutboxFailuresAsync(NpgsqlTransaction tx, long[] ids, string[] errors) =>
        Exec(tx, SqlStatements.RecordOutboxFailures, new { Ids = ids, Errors = errors });

    public Task DeleteOutboxAsync(NpgsqlTransaction tx, long[] ids) => Exec(tx, SqlStatements.DeleteOutbox, new { Ids = ids });

    /// <summary>
    /// After the broker confirmed a batch, in one transaction (one round trip and the commit's): its outbox rows deleted
    /// and its workflow tasks (run, scheduled event id, attempt) marked sent, committed asynchronously (<see cref="SqlStatements.AfterBatchSent"/>).
    /// </summary>
    public async Task AfterBatchSentAsync(IReadOnlyList<long> outboxIds, IReadOnlyList<(Guid RunId, long ScheduledEventId, int Attempt)> workflowTasks,
        CancellationToken ct)
    {
        if (outboxIds.Count == 0 && workflowTasks.Count == 0)
        {
            return;
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(SqlStatements.AfterBatchSent, new
        {
            Ids = outboxIds.ToArray(),
            SentRunIds = workflowTasks.Select(t => t.RunId).ToArray(),
            SentScheduledEventIds = workflowTasks.Select(t => t.ScheduledEventId).ToArray(),
            SentAttempts = workflowTasks.Select(t => t.Attempt).ToArray(),
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Runs whose workflow task is due by <paramref name="now"/> (the engine's clock), or dispatched and not confirmed sent
    /// since <paramref name="unsentBefore"/>.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> DueWorkflowTasksAsync(DateTime now, int limit, DateTime unsentBefore, Guid[]? skip = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<Guid>(SqlStatements.DueWorkflowTasks,
            new { Now = now, Limit = limit, UnsentBefore = unsentBefore, SkipRuns = skip ?? [] })).ToList();
    }

    /// <summary>Activities due by <paramref name="now"/> (the engine's clock): a first send after back-off, or a timeout.</summary>
    public async Task<IReadOnlyList<(Guid RunId, long ScheduledEventId)>> DueActivityTasksAsync(DateTime now, int limit,
        Guid[]? skipRuns = null, long[]? skipIds = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<(Guid, long)>(SqlStatements.DueActivityTasks,
            new { Now = now, Limit = limit, SkipRuns = skipRuns ?? [], SkipIds = skipIds ?? [] })).ToList();
    }

    /// <summary>Runs with timers due by <paramref name="now"/> (the engine's clock).</summary>
    public async Task<IReadOnlyList<Guid>> DueTimerRunsAsync(DateTime now, int limit, Guid[]? skip = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<Guid>(SqlStatements.DueTimerRuns, new { Now = now, Limit = limit, SkipRuns = skip ?? [] })).ToList();
    }

    public async Task<IReadOnlyList<Guid>> UnnotifiedChildrenAsync(int limit, Guid[]? skip = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<Guid>(SqlStatements.UnnotifiedChildren, new { Limit = limit, SkipRuns = skip ?? [] })).ToList();
    }

    /// <summary>When the next timer is due, leaving out the runs in <paramref name="skip"/>.</summary>
    public async Task<DateTime?> NextTimerDueAsync(Guid[]? skip = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<DateTime?>(SqlStatements.NextTimerDue, new { SkipRuns = skip ?? [] });
    }

    // ---- reads for the REST API ----

    public async Task<IReadOnlyDictionary<string, long>> CountRunsAsync(string? workflowType, string? prefix)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(string Status, long Count)>(SqlStatements.CountRuns, new { WorkflowType = workflowType, Prefix = prefix });
        return rows.ToDictionary(r => r.Status, r => r.Count);
    }

    public async Task<IReadOnlyList<ActivityTaskRow>> PendingActivitiesAsync(Guid runId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<ActivityTaskRow>(SqlStatements.PendingActivities, new { RunId = runId })).ToList();
    }

    /// <summary>The run's last event id and its buffered events, as of one moment (<see cref="SqlStatements.ReadQuerySnapshot"/>); null for no run.</summary>
    public async Task<(long LastEventId, IReadOnlyList<BufferedEventRow> Buffered)?> ReadQuerySnapshotAsync(Guid runId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<(long LastEventId, long? Id, string? EventType, string? AttributesJson, DateTime? OccurredAt)>(
            new CommandDefinition(SqlStatements.ReadQuerySnapshot, new { RunId = runId }, cancellationToken: ct))).ToList();
        if (rows.Count == 0)
        {
            return null;
        }
        return (rows[0].LastEventId, rows.Where(r => r.Id is not null)
            .Select(r => new BufferedEventRow(r.Id!.Value, r.EventType!, r.AttributesJson!, r.OccurredAt)).ToList());
    }

    public async Task<WorkflowTaskRow?> ReadWorkflowTaskAsync(Guid runId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<WorkflowTaskRow>(SqlStatements.ReadWorkflowTask, new { RunId = runId });
    }
}
