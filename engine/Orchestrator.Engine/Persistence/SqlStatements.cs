namespace Orchestrator.Engine.Persistence;

/// <summary>Every SQL statement of the engine, as static text. Values always go in as parameters.</summary>
internal static class SqlStatements
{
    public const string TakeMigrationLock = "SELECT pg_advisory_lock($1)";
    public const string ReleaseMigrationLock = "SELECT pg_advisory_unlock($1)";

    public const string RunColumns = """
        run_id, workflow_id, workflow_type, task_queue, status, input::text AS input, result::text AS result,
        failure::text AS failure, started_at, closed_at, previous_run_id, next_run_id, parent_workflow_id,
        parent_run_id, trace_parent, cancel_requested, next_event_id, parent_seq, parent_close_policy, parent_notified, run_timeout,
        retry_policy::text AS retry_policy, attempt, search_attributes::text AS search_attributes, execution_deadline, reset_from_run_id, reset_to_run_id
        """;

    public const string InsertRun = """
        INSERT INTO workflow_runs (run_id, workflow_id, workflow_type, task_queue, status, input, started_at,
            previous_run_id, parent_workflow_id, parent_run_id, trace_parent, next_event_id, parent_seq, parent_close_policy, run_timeout,
            retry_policy, attempt, search_attributes, execution_deadline)
        VALUES (@RunId, @WorkflowId, @WorkflowType, @TaskQueue, @Status, @Input::json, @StartedAt,
            @PreviousRunId, @ParentWorkflowId, @ParentRunId, @TraceParent, 1, @ParentSeq, @ParentClosePolicy, @RunTimeout,
            @RetryPolicy::json, @Attempt, @SearchAttributes::jsonb, @ExecutionDeadline)
        """;

    /// <summary>
    /// Optimistic append: advances the run's next event id only if it still is @Expected, and inserts the events with ids
    /// @Expected.. in the same statement; answers how many it inserted. Zero means another writer won.
    /// </summary>
    public const string AppendEvents = """
        WITH advanced AS (
            UPDATE workflow_runs SET next_event_id = @Expected + cardinality(@Types::text[])
            WHERE run_id = @RunId AND next_event_id = @Expected
            RETURNING run_id),
        inserted AS (
            INSERT INTO history_events (run_id, event_id, event_type, "timestamp", attributes)
            SELECT a.run_id, @Expected + e.ord - 1, e.event_type, e.ts, e.attributes::json
            FROM advanced a,
                 unnest(@Types::text[], @Timestamps::timestamptz[], @Attributes::text[]) WITH ORDINALITY
                     AS e(event_type, ts, attributes, ord)
            RETURNING 1)
        SELECT count(*) FROM inserted
        """;

    /// <summary>The columns of a stored event, as <see cref="StoredEvent"/> reads them.</summary>
    private const string EventColumns = """event_id, event_type, "timestamp", attributes::text AS attributes_json""";

    public const string ReadHistoryPage = $"""
        SELECT {EventColumns}
        FROM history_events
        WHERE run_id = @RunId AND event_id > @AfterEventId
        ORDER BY event_id
        LIMIT @PageSize
        """;

    public const string GetRun = $"SELECT {RunColumns} FROM workflow_runs WHERE run_id = @RunId";

    public const string GetLatestRun = $"""
        SELECT {RunColumns} FROM workflow_runs WHERE workflow_id = @WorkflowId
        ORDER BY created_seq DESC LIMIT 1
        """;

    // ---- dispatch: runs and their work (all inside the caller's transaction) ----

    public const string LockRun = $"SELECT {RunColumns} FROM workflow_runs WHERE run_id = @RunId FOR UPDATE";

    public const string LockOpenRun = $"SELECT {RunColumns} FROM workflow_runs WHERE workflow_id = @WorkflowId AND status = 'Running' FOR UPDATE";

    /// <summary>
    /// <see cref="LockOpenRun"/>, then (a statement of its own: a later snapshot) whether the workflow id has an open run.
    /// Under READ COMMITTED the lock can wait on a run that is closing into its next run (continue-as-new, workflow retry):
    /// after the wait the row no longer matches, and the next run, created by that same commit, is not in the locking
    /// statement's snapshot, so it answers nothing; the second statement sees the next run, and the caller locks again.
    /// </summary>
    public const string LockOpenRunThenProbe = LockOpenRun + ";\n" + OpenRunExists;

    public const string CloseRun = """
        UPDATE workflow_runs SET status = @Status, result = @Result::json, failure = @Failure::json, closed_at = @ClosedAt,
            next_run_id = @NextRunId
        WHERE run_id = @RunId
        """;

    public const string SetCancelRequested = "UPDATE workflow_runs SET cancel_requested = true WHERE run_id = @RunId";

    public const string DeleteRunWork = """
        DELETE FROM workflow_tasks WHERE run_id = @RunId;
        DELETE FROM activity_tasks WHERE run_id = @RunId;
        DELETE FROM timers WHERE run_id = @RunId;
        DELETE FROM buffered_events WHERE run_id = @RunId;
        """;

    /// <summary>
    /// A run closes, in one round trip: its row, its pending work deleted, its unfinished updates failed, and its open children (for the parent-close policy).
    /// </summary>
    public const string CloseRunAndListChildren = AnnounceRunClosed + ";\n" + CloseRun + ";\n" + DeleteRunWork + "\n" + UpdateStatements.FailUnfinished + ";\n" + OpenChildren;

    /// <summary>The channel on which run closes are announced to every engine (delivered when the transaction commits).</summary>
    public const string RunClosedChannel = "orchestrator_run_closed";

    /// <summary>Announces a close (payload: the closing engine's instance id, a space, the workflow id).</summary>
    public const string AnnounceRunClosed = $"SELECT 1 FROM pg_notify('{RunClosedChannel}', @Announcement)";

    public const string ListenRunClosed = $"LISTEN {RunClosedChannel}";

    public const string UnlistenAll = "UNLISTEN *";

    /// <summary>The events @From..@Until-1 while their attributes add up to at most @MaxBytes (a workflow task message's slice).</summary>
    public const string ReadTaskSlice = """
        SELECT event_id, event_type, "timestamp", attributes_json FROM (
            SELECT event_id, event_type, "timestamp", attributes::text AS attributes_json,
                   sum(octet_length(attributes::text)) OVER (ORDER BY event_id) AS running_bytes
            FROM history_events WHERE run_id = @RunId AND event_id >= @From AND event_id < @Until) e
        WHERE running_bytes <= @MaxBytes
        ORDER BY event_id
        """;

    /// <summary>
    /// When the workflow task is idle, the events since it was last answered (what the next workflow task message carries,
    /// if the decision schedules one): read with an activity's row.
    /// </summary>
    /// <remarks>
    /// The events are bounded like a workflow task message (@TailLimit events, @TailBytes bytes of attributes): a tail past
    /// either limit comes back cut, and the message then carries none (the worker fetches the history).
    /// </remarks>
    public const string ReadIdleTail = """
        SELECT event_id, event_type, "timestamp", attributes_json FROM (
            SELECT event_id, event_type, "timestamp", attributes::text AS attributes_json,
                   sum(octet_length(attributes::text)) OVER (ORDER BY event_id) AS running_bytes
            FROM history_events
            WHERE run_id = @RunId AND event_id >= (SELECT events_from FROM workflow_tasks WHERE run_id = @RunId AND state = 'idle')
            ORDER BY event_id LIMIT @TailLimit) e
        WHERE running_bytes <= @TailBytes
        ORDER BY event_id
        """;


    private const string WorkflowTaskColumns = """
        run_id, scheduled_event_id, attempt, task_queue, events_from, state, dispatch_after, last_failure::text AS last_failure,
        sent, dispatched_at, timeouts
        """;

    public const string LockWorkflowTask = $"SELECT {WorkflowTaskColumns} FROM workflow_tasks WHERE run_id = @RunId FOR UPDATE";

    public const string UpsertWorkflowTask = """
        INSERT INTO workflow_tasks (run_id, scheduled_event_id, attempt, task_queue, events_from, state, dispatch_after, last_failure,
            sent, dispatched_at, timeouts)
        VALUES (@RunId, @ScheduledEventId, @Attempt, @TaskQueue, @EventsFrom, @State, @DispatchAfter, @LastFailure::json,
            @Sent, @DispatchedAt, @Timeouts)
        ON CONFLICT (run_id) DO UPDATE SET scheduled_event_id = excluded.scheduled_event_id, attempt = excluded.attempt,
            task_queue = excluded.task_queue, events_from = excluded.events_from, state = excluded.state,
            dispatch_after = excluded.dispatch_after, last_failure = excluded.last_failure, sent = excluded.sent,
            dispatched_at = excluded.dispatched_at, timeouts = excluded.timeouts
        """;

    /// <summary>
    /// The relay's mark after the broker confirmed workflow task messages: only the attempt that was sent, and only while it
    /// is still the run's dispatched task (an answer or a newer attempt that committed first is left alone). The rows are
    /// locked in run id order first, the order every run transaction takes them in (a signal that follows a
    /// continue-as-new locks the old run's task, then the new one's): an UPDATE over many rows in the join's order
    /// deadlocked with such a signal, which then answered 500 (ContinueAsNewRaceTests). A row a run transaction holds is
    /// skipped: that transaction (a fast worker's answer) changes the task anyway, and must not wait for this mark.
    /// </summary>
    public const string MarkWorkflowTasksSent = """
        WITH locked AS (
            SELECT w.run_id FROM workflow_tasks w
            JOIN unnest(@SentRunIds::uuid[], @SentScheduledEventIds::bigint[], @SentAttempts::int[]) AS s(run_id, scheduled_event_id, attempt)
              ON w.run_id = s.run_id AND w.scheduled_event_id = s.scheduled_event_id AND w.attempt = s.attempt
            WHERE w.state = 'dispatched' AND NOT w.sent
            ORDER BY w.run_id
            FOR UPDATE OF w SKIP LOCKED)
        UPDATE workflow_tasks w SET sent = true FROM locked WHERE w.run_id = locked.run_id
        """;
    /// <summary>The events buffered while a workflow task was in flight, read (a close appends them; they go with the run's work).</summary>
    public const string ReadBufferedEvents = """
        SELECT id, event_type, attributes::text AS attributes_json, occurred_at FROM buffered_events WHERE run_id = @RunId ORDER BY id
        """;

    /// <summary>
    /// What a query replays (one statement, one snapshot): the run's last event id and the events buffered after it while a
    /// workflow task was in flight (no row of <c>buffered_events</c>: one row with null buffer columns).
    /// </summary>
    public const string ReadQuerySnapshot = """
        SELECT r.next_event_id - 1 AS last_event_id, b.id, b.event_type, b.attributes::text AS attributes_json, coalesce(b.occurred_at, b.created_at) AS occurred_at
        FROM workflow_runs r LEFT JOIN buffered_events b ON b.run_id = r.run_id
        WHERE r.run_id = @RunId ORDER BY b.id
        """;

    /// <summary>Events a decision buffered (inside its combined write), in their order.</summary>
    public const string InsertBufferedEvents = """
        INSERT INTO buffered_events (run_id, event_type, attributes, occurred_at)
        SELECT @RunId, b.event_type, b.attributes::json, b.occurred_at
        FROM unnest(@BufferTypes::text[], @BufferAttributes::text[], @BufferOccurredAt::timestamptz[]) WITH ORDINALITY
            AS b(event_type, attributes, occurred_at, ord)
        ORDER BY b.ord
        """;

    /// <summary>Buffered events a decision used (read with its snapshot).</summary>
    public const string DeleteBufferedEvents = "DELETE FROM buffered_events WHERE run_id = @RunId AND id = ANY(@ConsumedBufferIds)";

    /// <summary>Timers a decision started (inside its combined write).</summary>
    public const string InsertTimers = """
        INSERT INTO timers (run_id, timer_key, fire_at, payload)
        SELECT @RunId, t.* FROM unnest(@TimerKeys::text[], @TimerFireAt::timestamptz[], @TimerPayloads::text[]::json[]) AS t
        """;

    /// <summary>Timers a decision canceled (gone already when they fired meanwhile).</summary>
    public const string DeleteTimers = "DELETE FROM timers WHERE run_id = @RunId AND timer_key = ANY(@DeleteTimerKeys)";

    /// <summary>Activity rows a decision changed (a retry scheduled, an attempt sent; inside its combined write).</summary>
    public const string UpdateActivityTasks = """
        UPDATE activity_tasks a SET attempt = u.attempt, state = u.state, started_at = u.started_at, dispatch_after = u.dispatch_after,
            last_failure = u.last_failure::json, attempt_deadline = u.attempt_deadline, heartbeat_timeout = u.heartbeat_timeout,
            picked_up_at = u.picked_up_at
        FROM unnest(@UpdScheduledEventIds::bigint[], @UpdAttempts::int[], @UpdStates::text[], @UpdStartedAt::timestamptz[],
            @UpdDispatchAfter::timestamptz[], @UpdLastFailures::text[], @UpdDeadlines::timestamptz[], @UpdHeartbeatTimeouts::interval[],
            @UpdPickedUpAt::timestamptz[])
            AS u(scheduled_event_id, attempt, state, started_at, dispatch_after, last_failure, attempt_deadline, heartbeat_timeout, picked_up_at)
        WHERE a.run_id = @RunId AND a.scheduled_event_id = u.scheduled_event_id
        """;

    /// <summary>Runs whose parent was told of their close, or needs no telling (inside a combined write).</summary>
    /// <summary>A run's search attributes after a <c>SearchAttributesUpserted</c>: the decided whole (null: none), in the event's transaction.</summary>
    public const string SetSearchAttributes = "UPDATE workflow_runs SET search_attributes = @SearchAttributes::jsonb WHERE run_id = @RunId";

    public const string MarkParentsNotified = "UPDATE workflow_runs SET parent_notified = true WHERE run_id = ANY(@NotifiedRunIds)";

    /// <summary>The first workflow task of a run a decision created (inside its combined creation; names apart from the run's).</summary>
    public const string InsertFirstWorkflowTask = """
        INSERT INTO workflow_tasks (run_id, scheduled_event_id, attempt, task_queue, events_from, state, dispatch_after, last_failure,
            sent, dispatched_at, timeouts)
        VALUES (@RunId, @TaskScheduledEventId, 1, @TaskQueue, 1, @TaskState, @TaskDispatchAfter, NULL, false, @TaskDispatchedAt, 0)
        """;

    /// <summary>Of the given workflow ids, those with an open run (children a workflow task answer would start).</summary>
    public const string OpenWorkflowIds = "SELECT workflow_id FROM workflow_runs WHERE workflow_id = ANY(@WorkflowIds) AND status = 'Running'";

    /// <summary>The status of the latest run of each of these workflow ids (a child's id reuse policy), by creation order.</summary>
    public const string LatestRunStatuses = """
        SELECT DISTINCT ON (workflow_id) workflow_id, status FROM workflow_runs WHERE workflow_id = ANY(@WorkflowIds) ORDER BY workflow_id, created_seq DESC
        """;

    public const string TakeBufferedEvents = """
        DELETE FROM buffered_events WHERE run_id = @RunId
        RETURNING id, event_type, attributes::text AS attributes_json, occurred_at
        """;

    /// <summary>The activities a run change scheduled (inside its combined write; parameter names apart from the others').</summary>
    public const string InsertActivityTasks = """
        INSERT INTO activity_tasks (run_id, scheduled_event_id, seq, activity_name, task_queue, input, options, attempt, state,
            scheduled_at, dispatch_after, started_at, attempt_deadline, heartbeat_timeout)
        SELECT @RunId, a.* FROM unnest(@ActScheduledEventIds::bigint[], @ActSeqs::int[], @ActNames::text[], @ActQueues::text[],
            @ActInputs::text[]::json[], @ActOptions::text[]::json[], @ActAttempts::int[], @ActStates::text[], @ActScheduledAt::timestamptz[],
            @ActDispatchAfter::timestamptz[], @ActStartedAt::timestamptz[], @ActDeadlines::timestamptz[], @ActHeartbeatTimeouts::interval[]) AS a
        """;

    private const string ActivityColumns = """
        run_id, scheduled_event_id, seq, activity_name, task_queue, input::text AS input, options::text AS options, attempt, state,
        scheduled_at, started_at, dispatch_after, heartbeat_details::text AS heartbeat_details, heartbeat_at,
        last_failure::text AS last_failure, attempt_deadline, heartbeat_timeout, picked_up_at
        """;

    public const string LockActivityTask = $"""
        SELECT {ActivityColumns} FROM activity_tasks WHERE run_id = @RunId AND scheduled_event_id = @ScheduledEventId FOR UPDATE
        """;

    /// <summary>The open activities of a run with these seqs (the workflow cancels them), locked.</summary>
    public const string LockActivitiesBySeq = $"""
        SELECT {ActivityColumns} FROM activity_tasks WHERE run_id = @RunId AND seq = ANY(@Seqs) ORDER BY scheduled_event_id FOR UPDATE
        """;

    /// <summary>Activities closed by a run change (inside its combined write).</summary>
    public const string DeleteActivityTasks = "DELETE FROM activity_tasks WHERE run_id = @RunId AND scheduled_event_id = ANY(@ClosedActivityIds)";

    /// <summary>An attempt is alive (@Now: the engine's clock, as every due time).</summary>
    public const string RecordHeartbeat = """
        UPDATE activity_tasks SET heartbeat_details = CASE WHEN @KeepDetails THEN heartbeat_details ELSE @Details::json END, heartbeat_at = @Now, picked_up_at = COALESCE(picked_up_at, @Now),
            dispatch_after = CASE WHEN heartbeat_timeout IS NULL THEN attempt_deadline
                                  ELSE LEAST(attempt_deadline, @Now + heartbeat_timeout) END
        WHERE run_id = @RunId AND scheduled_event_id = @ScheduledEventId AND attempt = @Attempt AND state IN ('dispatched', 'canceling')
        RETURNING state
        """;

    /// <summary>A worker took the attempt: ScheduleToStart no longer applies; the next check is the heartbeat or the deadline.</summary>
    public const string RecordPickUp = """
        UPDATE activity_tasks SET picked_up_at = @Now,
            dispatch_after = CASE WHEN heartbeat_timeout IS NULL THEN attempt_deadline
                                  ELSE LEAST(attempt_deadline, @Now + heartbeat_timeout) END
        WHERE run_id = @RunId AND scheduled_event_id = @ScheduledEventId AND attempt = @Attempt AND state IN ('dispatched', 'canceling')
          AND picked_up_at IS NULL
        """;

    public const string PendingActivities = $"SELECT {ActivityColumns} FROM activity_tasks WHERE run_id = @RunId ORDER BY scheduled_event_id";

    /// <summary>Takes every timer of a run due by @Now (run transaction: fired once).</summary>
    public const string TakeDueTimers = """
        DELETE FROM timers WHERE run_id = @RunId AND fire_at <= @Now RETURNING timer_key, payload::text AS payload
        """;

    public const string OpenRunExists = "SELECT EXISTS (SELECT 1 FROM workflow_runs WHERE workflow_id = @WorkflowId AND status = 'Running')";

    public const string OpenChildren = """
        SELECT run_id, parent_close_policy FROM workflow_runs WHERE parent_run_id = @RunId AND status = 'Running' ORDER BY started_at
        """;

    /// <summary>The outbox insert (inside the combined write of a run change: parameter names apart from the append's).</summary>
    public const string InsertOutbox = """
        INSERT INTO outbox (destination, message_type, message)
        SELECT * FROM unnest(@OutboxDestinations::text[], @OutboxTypes::text[], @OutboxMessages::text[]::json[])
        RETURNING id
        """;

    /// <summary>
    /// Rows for the outbox sweep: older than a few seconds (fresh rows are sent by the engine that wrote them) and not waiting
    /// out a back-off after a failed send. PostgreSQL's clock on both sides of each comparison (created_at is its default).
    /// </summary>
    public const string TakeOutboxBatch = """
        SELECT id, destination, message_type, message::text AS message, attempts FROM outbox
        WHERE created_at < now() - interval '5 seconds' AND (next_attempt_at IS NULL OR next_attempt_at <= now())
        ORDER BY id LIMIT @Limit FOR UPDATE SKIP LOCKED
        """;

    /// <summary>Rows the sweep could not send: one more attempt counted, the error kept, a back-off of 1 s doubling to 5 min.</summary>
    public const string RecordOutboxFailures = """
        UPDATE outbox SET attempts = attempts + 1, last_error = f.error,
            next_attempt_at = now() + LEAST(interval '1 second' * power(2, LEAST(attempts, 20)), interval '5 minutes')
        FROM unnest(@Ids::bigint[], @Errors::text[]) AS f(id, error)
        WHERE outbox.id = f.id
        """;

    public const string DeleteOutbox = "DELETE FROM outbox WHERE id = ANY(@Ids)";

    /// <summary>
    /// What the relay writes after a confirmed batch, in one round trip: sent outbox rows deleted, workflow tasks marked sent.
    /// Committed without waiting for the WAL flush: both are hints (a row or mark lost in a crash means a message sent again,
    /// which the outbox and the re-sends already allow), and the locked task rows are held for the statement only, not for
    /// an fsync, so the answer to a task just sent does not wait behind its mark (latency1 +1.3 ms p50 since c0aeace).
    /// </summary>
    public const string AfterBatchSent = "SET LOCAL synchronous_commit = off;\n" + DeleteOutbox + ";\n" + MarkWorkflowTasksSent;

    // ---- sweeper candidates (no locks: each is then handled in its own run transaction). @Now is the engine's clock, which
    // also re-checks each candidate: PostgreSQL's now() here would disagree with it when the clocks differ. ----

    // @SkipRuns (and @SkipIds): items the sweeper put aside after they failed, left out so they are not first in line.

    /// <summary>
    /// Workflow tasks to send: due (a retry's back-off ended, or the answer is overdue), or dispatched with no confirmed send
    /// since @UnsentBefore (the engine crashed after the commit, or the send failed).
    /// </summary>
    public const string DueWorkflowTasks = """
        (SELECT run_id FROM workflow_tasks WHERE state <> 'idle' AND dispatch_after <= @Now AND run_id <> ALL(@SkipRuns)
         ORDER BY dispatch_after LIMIT @Limit)
        UNION
        (SELECT run_id FROM workflow_tasks WHERE state = 'dispatched' AND NOT sent AND dispatched_at <= @UnsentBefore
           AND run_id <> ALL(@SkipRuns)
         ORDER BY dispatched_at LIMIT @Limit)
        """;

    public const string DueActivityTasks = """
        SELECT run_id, scheduled_event_id FROM activity_tasks a WHERE dispatch_after <= @Now
          AND NOT EXISTS (SELECT 1 FROM unnest(@SkipRuns::uuid[], @SkipIds::bigint[]) AS s(run_id, scheduled_event_id)
                          WHERE s.run_id = a.run_id AND s.scheduled_event_id = a.scheduled_event_id)
        ORDER BY dispatch_after LIMIT @Limit
        """;

    /// <summary>Runs with due timers (each run's due timers are then fired together, in one run transaction).</summary>
    public const string DueTimerRuns = """
        SELECT run_id FROM timers WHERE fire_at <= @Now AND run_id <> ALL(@SkipRuns) GROUP BY run_id ORDER BY min(fire_at) LIMIT @Limit
        """;

    public const string UnnotifiedChildren = """
        SELECT run_id FROM workflow_runs
        WHERE parent_run_id IS NOT NULL AND NOT parent_notified AND status NOT IN ('Running', 'ContinuedAsNew') AND run_id <> ALL(@SkipRuns)
        ORDER BY closed_at LIMIT @Limit
        """;

    public const string NextTimerDue = "SELECT min(fire_at) FROM timers WHERE run_id <> ALL(@SkipRuns)";

    // ---- queries of the REST API ----

    public const string CountRuns = """
        SELECT status, count(*) AS count FROM workflow_runs
        WHERE (@WorkflowType::text IS NULL OR workflow_type = @WorkflowType)
          AND (@Prefix::text IS NULL OR starts_with(workflow_id, @Prefix))
        GROUP BY status
        """;

    // ---- visibility: the search attribute registry (list queries are compiled by QuerySqlCompiler) ----

    public const string ReadSearchAttributes = "SELECT name, type FROM search_attributes ORDER BY name";

    /// <summary>
    /// Registers an attribute unless the name exists or the registry holds @Max already; answers the name's type and whether
    /// this call created it (no row: the registry is full). Two registrations at once: the primary key lets one win.
    /// </summary>
    public const string RegisterSearchAttribute = """
        WITH inserted AS (
            INSERT INTO search_attributes (name, type)
            SELECT @Name, @Type WHERE (SELECT count(*) FROM search_attributes) < @Max
            ON CONFLICT (name) DO NOTHING
            RETURNING type)
        SELECT type, true AS created FROM inserted
        UNION ALL
        SELECT type, false AS created FROM search_attributes WHERE name = @Name AND NOT EXISTS (SELECT 1 FROM inserted)
        """;

    public const string ReadWorkflowTask = $"SELECT {WorkflowTaskColumns} FROM workflow_tasks WHERE run_id = @RunId";
}
