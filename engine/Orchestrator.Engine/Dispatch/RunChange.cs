using System.Text;
using System.Text.Json;
using Npgsql;
using Orchestrator.Contracts;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// One state change of one run, in one PostgreSQL transaction: the run row and its workflow task row are
/// locked, events are collected and appended with the optimistic check at commit, together with the task
/// rows and the outbox messages the change produced. Nothing is written unless <see cref="CommitAsync"/> runs.
/// </summary>
internal sealed class RunChange : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly HistoryStore _history;
    private readonly DispatchStore _store;
    private readonly EngineSettings _settings;
    private readonly List<NewEvent> _events = [];
    private readonly List<(OutboxRow Row, object Message)> _outbox = [];
    private readonly List<(ActivityTaskMessage Message, bool WithTail)> _activityTasks = [];
    private readonly List<OutgoingMessage> _written = [];
    private readonly List<WorkflowRunRecord> _closedRuns = [];
    private readonly List<long> _closedActivities = [];
    private readonly List<ActivityTaskRow> _newActivities = [];
    private int _ownCloseIndex = -1;
    private IReadOnlyList<StoredEvent>? _tail;
    private long _tailFrom;
    private readonly bool _ownsTransaction = true;
    private bool _taskDirty;
    private bool _dispatchTaskNow;

    private RunChange(NpgsqlConnection connection, NpgsqlTransaction tx, WorkflowRunRecord run, WorkflowTaskRow? task,
        HistoryStore history, DispatchStore store, EngineSettings settings, bool ownsTransaction = true)
    {
        _ownsTransaction = ownsTransaction;
        _connection = connection;
        Tx = tx;
        Run = run;
        Task = task;
        _history = history;
        _store = store;
        _settings = settings;
        // PostgreSQL keeps microseconds: events sent to a worker from memory must carry the timestamps a replay reads back
        Now = settings.UtcNow();
    }

    public NpgsqlTransaction Tx { get; }

    public WorkflowRunRecord Run { get; }

    /// <summary>The run's workflow task row (null once the run closed).</summary>
    public WorkflowTaskRow? Task { get; private set; }

    public DateTime Now { get; }

    /// <summary>
    /// Runs closed by this change (this run, children closed by its parent-close policy), as their rows read after the
    /// commit: final status, result or failure, close time and history length.
    /// </summary>
    public IReadOnlyList<WorkflowRunRecord> ClosedRuns => _closedRuns;

    /// <summary>The earliest timer this change created (the timer poller is woken for it).</summary>
    public DateTime? EarliestNewTimer { get; private set; }

    /// <summary>Set when this change closed the run (its status).</summary>
    public string? ClosedStatus { get; private set; }

    public bool IsOpen => Run.Status == RunStatus.Running && ClosedStatus is null;

    /// <summary>The id the next appended event gets.</summary>
    public long NextEventId => Run.NextEventId + _events.Count;

    /// <summary>True while a workflow task is scheduled or in flight: external events are buffered then.</summary>
    public bool TaskInFlight => Task is { State: not TaskState.Idle };

    public DispatchStore Store => _store;

    /// <summary>Begins a change of an existing run (locks it); null when the run does not exist.</summary>
    /// <param name="activityScheduledEventId">Also lock this activity's row (<see cref="Activity"/>), in the same round trip.</param>
    /// <param name="takeBuffered">Also take the buffered events (<see cref="TakenBuffered"/>), in the same round trip.</param>
    /// <param name="withTail">With an activity: also read the run's events since its idle workflow task (for the next task's message).</param>
    public static async Task<RunChange?> BeginAsync(HistoryStore history, DispatchStore store, EngineSettings settings,
        Guid? runId, string? openWorkflowId = null, long? activityScheduledEventId = null, bool takeBuffered = false, bool withTail = true)
    {
        var (connection, tx) = await history.BeginAsync();
        try
        {
            RunLock locked;
            if (runId is { } id)
            {
                locked = await store.LockRunAsync(tx, id, activityScheduledEventId, takeBuffered, withTail);
            }
            else
            {
                var open = await store.LockOpenRunAsync(tx, openWorkflowId!);
                locked = new RunLock(open, open is null ? null : await store.LockWorkflowTaskAsync(tx, open.RunId), null, null);
            }
            if (locked.Run is not { } run)
            {
                await tx.DisposeAsync();
                await connection.DisposeAsync();
                return null;
            }
            return new RunChange(connection, tx, run, locked.Task, history, store, settings)
            {
                Activity = locked.Activity, TakenBuffered = locked.Buffered, _tail = locked.Tail, _tailFrom = locked.Task?.EventsFrom ?? 0,
            };
        }
        catch
        {
            await tx.DisposeAsync();
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The activity row locked by <see cref="BeginAsync"/> when asked for (null when it does not exist).</summary>
    public ActivityTaskRow? Activity { get; private init; }

    /// <summary>The buffered events taken by <see cref="BeginAsync"/> when asked for, in arrival order.</summary>
    public IReadOnlyList<BufferedEventRow>? TakenBuffered { get; private init; }

    /// <summary>
    /// Begins a change of another run inside this change's transaction (a child closed by its parent's close policy, a
    /// parent told of its child's close). Lock order is always parent before child. Write it with <see cref="FlushAsync"/>.
    /// </summary>
    public async Task<RunChange?> BeginNestedAsync(Guid runId)
    {
        var locked = await _store.LockRunAsync(Tx, runId, null, false);
        return locked.Run is { } run ? new RunChange(_connection, Tx, run, locked.Task, _history, _store, _settings, ownsTransaction: false) : null;
    }

    /// <summary>Begins a change that creates a run (its first events are appended at commit).</summary>
    public static async Task<RunChange> BeginNewAsync(HistoryStore history, DispatchStore store, EngineSettings settings, WorkflowRunRecord run)
    {
        var (connection, tx) = await history.BeginAsync();
        try
        {
            await history.CreateRunAsync(tx, run, []);
            return new RunChange(connection, tx, run, null, history, store, settings);
        }
        catch
        {
            await tx.DisposeAsync();
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The timer key of a run's run timeout (workflow timers are <c>t{seq}</c>).</summary>
    public const string RunTimeoutTimerKey = "run-timeout";

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, HistoryJson.Options);

    /// <summary>Appends an event to the history; returns its id.</summary>
    public long Append<TAttributes>(string eventType, TAttributes attributes) => AppendRaw(eventType, Json(attributes));

    /// <param name="eventType">The event type.</param>
    /// <param name="attributesJson">The attributes, as JSON.</param>
    /// <param name="timestamp">The event's timestamp; default this change's <see cref="Now"/>.</param>
    public long AppendRaw(string eventType, string attributesJson, DateTimeOffset? timestamp = null)
    {
        var id = NextEventId;
        _events.Add(new NewEvent(eventType, attributesJson, timestamp ?? new DateTimeOffset(Now, TimeSpan.Zero)));
        return id;
    }

    /// <summary>
    /// Delivers events from outside the workflow code (a signal, an activity result, a timer): buffered while a
    /// workflow task is in flight (appended after its answer), else appended with a new workflow task.
    /// </summary>
    public async Task DeliverAsync(params (string EventType, string AttributesJson)[] events)
    {
        if (!IsOpen)
        {
            return;
        }
        if (TaskInFlight)
        {
            foreach (var (type, json) in events)
            {
                await _store.AddBufferedEventAsync(Tx, Run.RunId, type, json);
            }
            return;
        }
        foreach (var (type, json) in events)
        {
            AppendRaw(type, json);
        }
        ScheduleWorkflowTask(attempt: 1, delay: null, lastFailure: null);
    }

    /// <summary>
    /// Records an informational event (see <see cref="IsInformational"/>): buffered while a workflow task is in flight (a
    /// task's events must end with its WorkflowTaskScheduled), else appended; it never schedules a workflow task.
    /// </summary>
    public async Task RecordInformationalAsync(string eventType, string attributesJson)
    {
        if (!IsOpen)
        {
            return;
        }
        if (TaskInFlight)
        {
            await _store.AddBufferedEventAsync(Tx, Run.RunId, eventType, attributesJson);
            return;
        }
        AppendRaw(eventType, attributesJson);
    }

    /// <summary>Events that only inform (the workflow code waits for none of them): they need no workflow task.</summary>
    public static bool IsInformational(string eventType) => eventType == EventTypes.ActivityAttemptFailed;

    /// <summary>Adds a durable timer (in this transaction).</summary>
    public async Task AddTimerAsync(string timerKey, DateTime fireAt, string payload)
    {
        await _store.InsertTimerAsync(Tx, Run.RunId, timerKey, fireAt, payload);
        if (EarliestNewTimer is not { } earliest || fireAt < earliest)
        {
            EarliestNewTimer = fireAt;
        }
    }

    /// <summary>Appends the events buffered while the task was in flight; returns how many.</summary>
    public async Task<int> AppendBufferedAsync()
    {
        var buffered = await _store.TakeBufferedEventsAsync(Tx, Run.RunId);
        foreach (var e in buffered)
        {
            AppendRaw(e.EventType, e.AttributesJson);
        }
        return buffered.Count;
    }

    /// <summary>
    /// Appends WorkflowTaskScheduled (the last event of this change) and sends the task now, or at
    /// <paramref name="delay"/> from now (retry back-off; the sweeper sends it).
    /// </summary>
    /// <param name="attempt">The task's attempt.</param>
    /// <param name="delay">The retry back-off, or null to send now.</param>
    /// <param name="lastFailure">The failure of the previous attempt, if any.</param>
    /// <param name="continuedAt">
    /// The task already ran on a worker (<see cref="Orchestrator.Contracts.Messages.ContinuedWorkflowTask"/>): it is not
    /// sent, and its <c>WorkflowTaskScheduled</c> carries the timestamp the code saw as UtcNow.
    /// </param>
    public void ScheduleWorkflowTask(int attempt, TimeSpan? delay, string? lastFailure, DateTimeOffset? continuedAt = null)
    {
        var eventsFrom = Task?.EventsFrom ?? 1;
        var scheduledId = AppendRaw(EventTypes.WorkflowTaskScheduled, Json(new WorkflowTaskScheduledAttributes(attempt)), continuedAt);
        Task = new WorkflowTaskRow
        {
            RunId = Run.RunId, ScheduledEventId = scheduledId, Attempt = attempt, TaskQueue = Run.TaskQueue, EventsFrom = eventsFrom,
            State = delay is null ? TaskState.Dispatched : TaskState.Scheduled,
            DispatchAfter = Now + (delay ?? _settings.WorkflowTaskTimeout), LastFailure = lastFailure,
            // a continued task ran on its worker already: nothing to send
            Sent = continuedAt is not null, DispatchedAt = delay is null ? Now : null, Timeouts = 0,
        };
        _taskDirty = true;
        _dispatchTaskNow = delay is null && continuedAt is null;
    }

    /// <summary>The answered task is done: no task is open until the next event arrives.</summary>
    public void SetTaskIdle(long answeredScheduledEventId)
    {
        Task = Task! with
        {
            State = TaskState.Idle, EventsFrom = answeredScheduledEventId + 1, Attempt = 1, LastFailure = null, Sent = false, DispatchedAt = null, Timeouts = 0,
        };
        _taskDirty = true;
    }

    /// <summary>
    /// The retry of a failed workflow task failed again: the same task is sent again after <paramref name="delay"/>,
    /// with no new events (as Temporal, history keeps the first failure only, so a run waiting for a fix does not grow).
    /// </summary>
    public void RetryWorkflowTaskLater(int attempt, TimeSpan delay, string lastFailure)
    {
        Task = Task! with
        {
            State = TaskState.Scheduled, Attempt = attempt, DispatchAfter = Now + delay, LastFailure = lastFailure, Sent = false, DispatchedAt = null, Timeouts = 0,
        };
        _taskDirty = true;
    }

    /// <summary>
    /// Sends the current task (sweeper) as <paramref name="attempt"/>, after <paramref name="timeouts"/> overdue answers in a
    /// row: its deadline is the timeout for that many (doubling), and its message expires from the queue then.
    /// </summary>
    public void RedispatchWorkflowTask(int attempt, int timeouts)
    {
        Task = Task! with
        {
            State = TaskState.Dispatched, Attempt = attempt, DispatchAfter = Now + _settings.WorkflowTaskTimeoutAfter(timeouts), Sent = false,
            DispatchedAt = Now, Timeouts = timeouts,
        };
        _taskDirty = true;
        _dispatchTaskNow = true;
    }

    /// <summary>
    /// Sends the dispatched task's message again, same attempt and deadline (sweeper): the broker never confirmed it, so no
    /// worker may have it.
    /// </summary>
    public void ResendUnsentWorkflowTask()
    {
        Task = Task! with { DispatchedAt = Now };
        _taskDirty = true;
        _dispatchTaskNow = true;
    }

    /// <summary>
    /// Adds an activity task, written to the outbox in this transaction and sent after the commit. With
    /// <paramref name="withTail"/> (the first attempt, scheduled by the workflow task this change answers), the message
    /// carries the events this change recorded since that task when they are few (<see cref="ActivityTaskMessage.WorkflowTail"/>).
    /// </summary>
    public void AddActivityTask(ActivityTaskMessage message, bool withTail) => _activityTasks.Add((message, withTail));

    /// <summary>Most events an activity task carries as its workflow tail, and most JSON characters.</summary>
    private const int MaxTailEvents = 16;
    private const int MaxTailChars = 16 * 1024;

    /// <summary>An activity was scheduled: its row is inserted with this change's writes.</summary>
    public void AddActivityRow(ActivityTaskRow row) => _newActivities.Add(row);

    /// <summary>The activity closed (result, failure, timeout): its row is deleted with this change's writes.</summary>
    public void DeleteActivityTask(long scheduledEventId) => _closedActivities.Add(scheduledEventId);

    /// <summary>Adds a message sent after the commit with no outbox row: a workflow task, whose task row is its durable record.</summary>
    private void SendAfterCommit(string destination, object message, TimeSpan? timeToLive) =>
        _written.Add(new OutgoingMessage(destination, message, TimeToLive: timeToLive));

    /// <summary>Closes the run: status, result/failure, and no more pending work.</summary>
    public async Task CloseAsync(string status, string? result, string? failure, Guid? nextRunId = null)
    {
        // and deletes its pending work, and announces the close to every engine's waiting GET .../result
        var openChildren = await _store.CloseRunAsync(Tx, Run.RunId, status, result, failure, Now, nextRunId,
            RunCloseNotifier.Announcement(_settings.InstanceId, Run.WorkflowId, nextRunId is not null));
        _closedActivities.Clear();
        _newActivities.Clear();
        _activityTasks.Clear(); // scheduled by the task that closed the run: never sent
        ClosedStatus = status;
        Task = null;
        _taskDirty = false;
        _dispatchTaskNow = false;
        _ownCloseIndex = _closedRuns.Count;
        _closedRuns.Add(Run with { Status = status, Result = result, Failure = failure, ClosedAt = Now, NextRunId = nextRunId });
        await ApplyParentClosePolicyAsync(openChildren);
    }

    /// <summary>
    /// The run closed: each open child is terminated (default), asked to cancel, or left running (abandon), in this
    /// transaction. A child closed here needs no notice to its (closed) parent.
    /// </summary>
    /// <remarks>
    /// The open children are read without locks, then locked one by one. A child that was closing into its next run
    /// (continue-as-new, workflow retry) while we waited for its lock is found closed with a <c>next_run_id</c>; that next
    /// run, committed before the lock was granted, is locked in turn (a new statement sees it), until an open run or the
    /// chain's end. So the policy reaches the child's current run whatever generation it is in, and that run cannot hand
    /// over to a next one before this transaction commits: a hand-over happens only in a transaction that holds its lock.
    /// </remarks>
    private async Task ApplyParentClosePolicyAsync(IReadOnlyList<(Guid RunId, string? Policy)> openChildren)
    {
        foreach (var (listedRunId, policy) in openChildren)
        {
            if (policy == "Abandon")
            {
                continue;
            }
            var child = await BeginNestedAsync(listedRunId);
            while (child is { IsOpen: false, Run.NextRunId: { } next } && child.Run.ParentRunId == Run.RunId)
            {
                child = await BeginNestedAsync(next);
            }
            if (child is not { IsOpen: true } || child.Run.ParentRunId != Run.RunId)
            {
                continue;
            }
            var childRunId = child.Run.RunId;
            if (policy == "RequestCancel")
            {
                if (!child.Run.CancelRequested)
                {
                    await _store.SetCancelRequestedAsync(Tx, childRunId);
                    await child.DeliverAsync((EventTypes.WorkflowCancelRequested,
                        Json(new WorkflowCancelRequestedAttributes($"The parent run {Run.RunId} closed ({ClosedStatus})."))));
                }
            }
            else
            {
                var reason = $"The parent run {Run.RunId} closed ({ClosedStatus}); parent-close policy Terminate.";
                await child.AppendBufferedAsync();   // what the child accepted while a workflow task was in flight stays in its history
                child.Append(EventTypes.WorkflowTerminated, new WorkflowTerminatedAttributes(reason));
                await child.CloseAsync(RunStatus.Terminated, null, Json(new FailureInfo("Terminated", reason)));
                await _store.MarkParentNotifiedAsync(Tx, childRunId);
            }
            await child.FlushAsync();
            _written.AddRange(child._written);
            _closedRuns.AddRange(child._closedRuns);
        }
    }

    /// <summary>
    /// Creates another run in this transaction (the next run of continue-as-new, or a child): its WorkflowStarted, the
    /// <paramref name="initialEvents"/> (signals carried over), its first WorkflowTaskScheduled, its task row, its run
    /// timeout timer and the task's message.
    /// </summary>
    /// <param name="firstTaskDelay">When set (a workflow retry's back-off), the first workflow task is sent by the sweeper after it.</param>
    public async Task StartOtherRunAsync(WorkflowRunRecord next, WorkflowStartedAttributes started, IReadOnlyList<(string Type, string Json)>? initialEvents = null,
        TimeSpan? firstTaskDelay = null)
    {
        var now = new DateTimeOffset(Now, TimeSpan.Zero);
        List<NewEvent> first = [new(EventTypes.WorkflowStarted, Json(started), now)];
        first.AddRange((initialEvents ?? []).Select(e => new NewEvent(e.Type, e.Json, now)));
        first.Add(new(EventTypes.WorkflowTaskScheduled, Json(new WorkflowTaskScheduledAttributes(1)), now));
        await _history.CreateRunAsync(Tx, next, first);
        await _store.UpsertWorkflowTaskAsync(Tx, new WorkflowTaskRow
        {
            RunId = next.RunId, ScheduledEventId = first.Count, Attempt = 1, TaskQueue = next.TaskQueue, EventsFrom = 1,
            State = firstTaskDelay is null ? TaskState.Dispatched : TaskState.Scheduled,
            DispatchAfter = Now + (firstTaskDelay ?? _settings.WorkflowTaskTimeout), DispatchedAt = firstTaskDelay is null ? Now : null,
        });
        if (next.RunTimeout is { } limit)
        {
            await _store.InsertTimerAsync(Tx, next.RunId, RunTimeoutTimerKey, Now + limit, Json(new { kind = RunTimeoutTimerKey }));
            EarliestNewTimer = EarliestNewTimer is { } e && e < Now + limit ? e : Now + limit;
        }
        if (firstTaskDelay is not null)
        {
            return;
        }
        // signals carried over may be many and large: past the limits the first task carries no events (the worker fetches them)
        var events = first.Count > TaskMessageLimits.MaxEvents || first.Sum(e => (long)Encoding.UTF8.GetByteCount(e.AttributesJson)) > TaskMessageLimits.MaxBytes
            ? []
            : first.Select((e, i) => ToHistoryEvent(i + 1, e.EventType, e.Timestamp, e.AttributesJson)).ToList();
        var message = new WorkflowTaskMessage(next.RunId, next.WorkflowId, next.WorkflowType, next.TaskQueue, first.Count, 1, events, next.TraceParent);
        SendAfterCommit(QueueNames.WorkflowTasks(next.TaskQueue), message, timeToLive: null);
    }

    /// <summary>Writes everything and commits; returns the messages to send now (the relay's).</summary>
    /// <exception cref="ConcurrencyConflictException">another writer appended to the run first; nothing was written.</exception>
    public async Task<IReadOnlyList<OutgoingMessage>> CommitAsync()
    {
        await FlushAsync();
        await Tx.CommitAsync();
        return _written;
    }

    /// <summary>Writes everything into the transaction without committing it (nested changes; <see cref="CommitAsync"/>).</summary>
    public async Task FlushAsync()
    {
        if (_dispatchTaskNow && Task is not null)
        {
            // A re-send after an overdue answer expires from the queue at its deadline (the next one replaces it), so a backlog
            // holds the first copy and at most one live re-send of a task; the first never expires (a worker that starts late
            // takes it at once).
            SendAfterCommit(QueueNames.WorkflowTasks(Run.TaskQueue), await BuildWorkflowTaskMessageAsync(Task),
                Task.Timeouts > 0 ? Task.DispatchAfter - Now : null);
        }
        if (_activityTasks.Count > 0)
        {
            var tail = _activityTasks.Any(a => a.WithTail) ? WorkflowTail() : null;
            foreach (var (message, withTail) in _activityTasks)
            {
                var sent = withTail && tail is not null ? message with { WorkflowTail = tail } : message;
                _outbox.Add((new OutboxRow(QueueNames.ActivityTasks(sent.TaskQueue), OutboxMessageTypes.ActivityTask, Json(sent)), sent));
            }
            _activityTasks.Clear();
        }
        var ids = await _store.WriteChangeAsync(Tx, Run.RunId, Run.NextEventId, _events, _taskDirty ? Task : null, _outbox.Select(o => o.Row).ToList(),
            _closedActivities, _newActivities);
        _closedActivities.Clear();
        _newActivities.Clear();
        if (_ownCloseIndex >= 0)
        {
            _closedRuns[_ownCloseIndex] = _closedRuns[_ownCloseIndex] with { NextEventId = NextEventId };
        }
        _written.AddRange(_outbox.Select((o, i) => new OutgoingMessage(o.Row.Destination, o.Message, ids[i])));
        _outbox.Clear();
        _events.Clear();
        _dispatchTaskNow = false;
        _taskDirty = false;
    }

    /// <summary>
    /// The events since the answered workflow task, when all of them are this change's (the task is idle again and nothing
    /// else was recorded in between) and they are few; else null (the activity's worker then answers the result alone).
    /// </summary>
    private List<HistoryEvent>? WorkflowTail()
    {
        if (Task is not { State: TaskState.Idle } idle || idle.EventsFrom < Run.NextEventId || idle.EventsFrom >= NextEventId
            || NextEventId - idle.EventsFrom > MaxTailEvents)
        {
            return null;
        }
        var skip = (int)(idle.EventsFrom - Run.NextEventId);
        if (_events.Skip(skip).Sum(e => e.AttributesJson.Length) > MaxTailChars)
        {
            return null;
        }
        return _events.Skip(skip).Select((e, i) => ToHistoryEvent(idle.EventsFrom + i, e.EventType, e.Timestamp, e.AttributesJson)).ToList();
    }

    private async Task<WorkflowTaskMessage> BuildWorkflowTaskMessageAsync(WorkflowTaskRow task)
    {
        var events = await TaskSliceAsync(task);
        return new WorkflowTaskMessage(Run.RunId, Run.WorkflowId, Run.WorkflowType, Run.TaskQueue, task.ScheduledEventId,
            task.Attempt, events ?? [], Run.TraceParent);
    }

    /// <summary>
    /// The events a task's message carries (from its <c>events_from</c> to its <c>WorkflowTaskScheduled</c>), or null when they
    /// pass <see cref="TaskMessageLimits"/>: the message then carries none and the worker fetches the history.
    /// </summary>
    private async Task<List<HistoryEvent>?> TaskSliceAsync(WorkflowTaskRow task)
    {
        if (NextEventId - task.EventsFrom > TaskMessageLimits.MaxEvents)
        {
            return null;
        }
        var events = new List<HistoryEvent>();
        long bytes = 0;
        var stored = Run.NextEventId - task.EventsFrom;
        if (stored > 0)
        {
            // read with the lock when this change began for an activity answer (the same range, bounded alike), else now
            var tail = _tail is { } t && _tailFrom == task.EventsFrom && t.Count == stored && (t.Count == 0 || t[0].EventId == task.EventsFrom)
                ? t
                : await _store.ReadTaskSliceAsync(Tx, Run.RunId, task.EventsFrom, Run.NextEventId, TaskMessageLimits.MaxBytes);
            if (tail.Count != stored)
            {
                return null; // the stored events alone pass the byte limit
            }
            foreach (var e in tail)
            {
                bytes += Encoding.UTF8.GetByteCount(e.AttributesJson);
                events.Add(ToHistoryEvent(e.EventId, e.EventType, e.Timestamp, e.AttributesJson));
            }
        }
        for (var i = 0; i < _events.Count; i++)
        {
            var id = Run.NextEventId + i;
            if (id >= task.EventsFrom)
            {
                bytes += Encoding.UTF8.GetByteCount(_events[i].AttributesJson);
                if (bytes > TaskMessageLimits.MaxBytes)
                {
                    return null;
                }
                events.Add(ToHistoryEvent(id, _events[i].EventType, _events[i].Timestamp, _events[i].AttributesJson));
            }
        }
        return bytes > TaskMessageLimits.MaxBytes ? null : events;
    }

    public static HistoryEvent ToHistoryEvent(long id, string type, DateTimeOffset timestamp, string attributesJson)
    {
        using var doc = JsonDocument.Parse(attributesJson);
        return new HistoryEvent(id, type, timestamp, doc.RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_ownsTransaction)
        {
            return;
        }
        await Tx.DisposeAsync();
        await _connection.DisposeAsync();
    }
}

/// <summary>Kinds of outbox messages (<c>outbox.message_type</c>).</summary>
internal static class OutboxMessageTypes
{
    public const string WorkflowTask = "workflow-task";
    public const string ActivityTask = "activity-task";
}
