using System.Text;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Decider;

/// <summary>
/// One decision about one run, in memory: the run as the decision has changed it so far (its workflow task, whether it is
/// open, its next event id) and the <see cref="RunEffects"/> collected. Pure: no I/O, no clock (the time is the
/// <see cref="DecisionContext"/>'s).
/// </summary>
internal sealed class RunDecision
{
    private readonly List<(ActivityTaskMessage Message, bool WithTail)> _activityMessages = [];

    public RunDecision(RunSnapshot snapshot, DecisionContext context)
    {
        Snapshot = snapshot;
        Context = context;
        Task = snapshot.Task;
        Effects = new RunEffects(snapshot.Run.RunId, snapshot.Run.NextEventId);
    }

    public RunSnapshot Snapshot { get; }

    public DecisionContext Context { get; }

    public RunEffects Effects { get; }

    public WorkflowRunRecord Run => Snapshot.Run;

    public DateTime Now => Context.Now;

    public EngineSettings Settings => Context.Settings;

    /// <summary>The run's workflow task as decided so far (null once the run closed).</summary>
    public WorkflowTaskRow? Task { get; private set; }

    /// <summary>Set when this decision closed the run (its status).</summary>
    public string? ClosedStatus { get; private set; }

    public bool IsOpen => Run.Status == RunStatus.Running && ClosedStatus is null;

    /// <summary>The id the next appended event gets.</summary>
    public long NextEventId => Run.NextEventId + Effects.Events.Count;

    /// <summary>The run's search attributes as decided so far (stored JSON, null for none).</summary>
    public string? SearchAttributes => Effects.SearchAttributes is { } change ? change.Json : Run.SearchAttributes;

    /// <summary>True while a workflow task is scheduled or in flight: external events are buffered then.</summary>
    public bool TaskInFlight => Task is { State: not TaskState.Idle };

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, HistoryJson.Options);

    /// <summary>Appends an event to the history; returns its id.</summary>
    public long Append<TAttributes>(string eventType, TAttributes attributes) => AppendRaw(eventType, Json(attributes));

    /// <param name="eventType">The event type.</param>
    /// <param name="attributesJson">The attributes, as JSON.</param>
    /// <param name="timestamp">The event's timestamp; default the decision's <see cref="Now"/>.</param>
    public long AppendRaw(string eventType, string attributesJson, DateTimeOffset? timestamp = null)
    {
        var id = NextEventId;
        Effects.Events.Add(new NewEvent(eventType, attributesJson, timestamp ?? new DateTimeOffset(Now, TimeSpan.Zero)));
        return id;
    }

    /// <summary>
    /// Delivers events from outside the workflow code (a signal, an activity result, a timer): buffered while a workflow
    /// task is in flight (appended after its answer), else appended with a new workflow task.
    /// </summary>
    public void Deliver(params (string EventType, string AttributesJson)[] events) => Deliver(events.Select(e => new BufferedEvent(e.EventType, e.AttributesJson)).ToList());

    /// <param name="events">The events, each with its own time or none (then: now).</param>
    public void Deliver(IReadOnlyList<BufferedEvent> events)
    {
        if (!IsOpen)
        {
            return;
        }
        if (TaskInFlight)
        {
            Effects.Buffer.AddRange(events);
            return;
        }
        foreach (var e in events)
        {
            AppendRaw(e.EventType, e.AttributesJson, At(e.OccurredAt));
        }
        ScheduleWorkflowTask(attempt: 1, delay: null, lastFailure: null);
    }

    /// <summary>
    /// Records an informational event (<see cref="EventVocabulary.IsInformational"/>): buffered while a workflow task is in
    /// flight (a task's events must end with its WorkflowTaskScheduled), else appended; it never schedules a workflow task.
    /// </summary>
    public void RecordInformational(string eventType, string attributesJson)
    {
        if (!IsOpen)
        {
            return;
        }
        if (TaskInFlight)
        {
            Effects.Buffer.Add(new BufferedEvent(eventType, attributesJson));
            return;
        }
        AppendRaw(eventType, attributesJson);
    }

    /// <summary>Appends the buffered events of the snapshot (read for the trigger); returns how many.</summary>
    public int AppendBuffered()
    {
        foreach (var e in Snapshot.Buffered)
        {
            Append(e);
        }
        Effects.BufferedConsumed = true;
        return Snapshot.Buffered.Count;
    }

    /// <summary>Appends an event that was buffered, with its own time if it has one.</summary>
    public long Append(BufferedEventRow e) => AppendRaw(e.EventType, e.AttributesJson, At(e.OccurredAt));

    private static DateTimeOffset? At(DateTime? time) => time is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc), TimeSpan.Zero) : null;

    /// <summary>Adds a durable timer.</summary>
    public void AddTimer(string timerKey, DateTime fireAt, string payload) => Effects.InsertTimers.Add(new TimerRow(Run.RunId, timerKey, fireAt, payload));

    public void DeleteTimer(string timerKey) => Effects.DeleteTimers.Add(timerKey);

    /// <summary>
    /// Appends WorkflowTaskScheduled (the last event of this decision) and sends the task now, or at
    /// <paramref name="delay"/> from now (retry back-off; the sweeper sends it).
    /// </summary>
    /// <param name="attempt">The task's attempt.</param>
    /// <param name="delay">The retry back-off, or null to send now.</param>
    /// <param name="lastFailure">The failure of the previous attempt, if any.</param>
    /// <param name="continuedAt">
    /// The task already ran on a worker (<see cref="ContinuedWorkflowTask"/>): it is not sent, and its
    /// <c>WorkflowTaskScheduled</c> carries the timestamp the code saw as UtcNow.
    /// </param>
    public void ScheduleWorkflowTask(int attempt, TimeSpan? delay, string? lastFailure, DateTimeOffset? continuedAt = null)
    {
        var eventsFrom = Task?.EventsFrom ?? 1;
        var scheduledId = AppendRaw(EventTypes.WorkflowTaskScheduled, Json(new WorkflowTaskScheduledAttributes(attempt)), continuedAt);
        SetTask(new WorkflowTaskRow
        {
            RunId = Run.RunId, ScheduledEventId = scheduledId, Attempt = attempt, TaskQueue = Run.TaskQueue, EventsFrom = eventsFrom,
            State = delay is null ? TaskState.Dispatched : TaskState.Scheduled,
            DispatchAfter = Now + (delay ?? Settings.WorkflowTaskTimeout), LastFailure = lastFailure,
            // a continued task ran on its worker already: nothing to send
            Sent = continuedAt is not null, DispatchedAt = delay is null ? Now : null, Timeouts = 0,
        }, send: delay is null && continuedAt is null);
    }

    /// <summary>The answered task is done: no task is open until the next event arrives.</summary>
    public void SetTaskIdle(long answeredScheduledEventId) => SetTask(Task! with
    {
        State = TaskState.Idle, EventsFrom = answeredScheduledEventId + 1, Attempt = 1, LastFailure = null, Sent = false, DispatchedAt = null, Timeouts = 0,
    }, send: false);

    /// <summary>
    /// The retry of a failed workflow task failed again: the same task is sent again after <paramref name="delay"/>,
    /// with no new events (as Temporal, history keeps the first failure only, so a run waiting for a fix does not grow).
    /// </summary>
    public void RetryWorkflowTaskLater(int attempt, TimeSpan delay, string lastFailure) => SetTask(Task! with
    {
        State = TaskState.Scheduled, Attempt = attempt, DispatchAfter = Now + delay, LastFailure = lastFailure, Sent = false, DispatchedAt = null, Timeouts = 0,
    }, send: false);

    /// <summary>
    /// Sends the current task (sweeper) as <paramref name="attempt"/>, after <paramref name="timeouts"/> overdue answers in a
    /// row: its deadline is the timeout for that many (doubling), and its message expires from the queue then.
    /// </summary>
    public void RedispatchWorkflowTask(int attempt, int timeouts) => SetTask(Task! with
    {
        State = TaskState.Dispatched, Attempt = attempt, DispatchAfter = Now + Settings.WorkflowTaskTimeoutAfter(timeouts), Sent = false,
        DispatchedAt = Now, Timeouts = timeouts,
    }, send: true);

    /// <summary>Sends the dispatched task's message again, same attempt and deadline: the broker never confirmed it, so no worker may have it.</summary>
    public void ResendUnsentWorkflowTask() => SetTask(Task! with { DispatchedAt = Now }, send: true);

    private void SetTask(WorkflowTaskRow task, bool send)
    {
        Task = task;
        Effects.Task = task;
        Effects.SendTask = send;
        // A re-send after an overdue answer expires from the queue at its deadline (the next one replaces it), so a backlog
        // holds the first copy and at most one live re-send of a task; the first never expires (a worker that starts late
        // takes it at once).
        Effects.TaskTimeToLive = task.Timeouts > 0 ? task.DispatchAfter - Now : null;
    }

    /// <summary>
    /// Adds an activity attempt's message (an outbox row). With <paramref name="withTail"/> (the first attempt, scheduled by
    /// the workflow task this decision answers), the message carries the events recorded since that task when they are few
    /// (<see cref="ActivityTaskMessage.WorkflowTail"/>).
    /// </summary>
    public void SendActivity(ActivityTaskMessage message, bool withTail) => _activityMessages.Add((message, withTail));

    public void InsertActivity(ActivityTaskRow row) => Effects.InsertActivities.Add(row);

    public void UpdateActivity(ActivityTaskRow row) => Effects.UpdateActivities.Add(row);

    /// <summary>The activity closed (result, failure, timeout): its row is deleted.</summary>
    public void DeleteActivity(long scheduledEventId) => Effects.DeleteActivities.Add(scheduledEventId);

    /// <summary>Most events an activity task carries as its workflow tail, and most JSON characters.</summary>
    private const int MaxTailEvents = 16;
    private const int MaxTailChars = 16 * 1024;

    /// <summary>Closes the run: status, result/failure, and no more pending work (the close deletes it).</summary>
    public void Close(string status, string? result, string? failure, Guid? nextRunId = null)
    {
        Effects.DeleteActivities.Clear();
        Effects.InsertActivities.Clear();
        Effects.UpdateActivities.Clear();
        Effects.InsertTimers.Clear();
        Effects.DeleteTimers.Clear();
        Effects.Buffer.Clear();
        _activityMessages.Clear(); // scheduled by the task that closed the run: never sent
        ClosedStatus = status;
        Task = null;
        Effects.Task = null;
        Effects.SendTask = false;
        Effects.TaskTimeToLive = null;
        Effects.Operations.Add(new CloseRun(status, result, failure, Now, nextRunId));
    }

    /// <summary>
    /// Creates another run (a start, the next run of continue-as-new or of a retry, a child): its WorkflowStarted, the
    /// <paramref name="initialEvents"/> (signals carried over), its first WorkflowTaskScheduled, its task row, its run
    /// timeout timer and its first task's message.
    /// </summary>
    /// <param name="firstTaskDelay">When set (a workflow retry's back-off), the first workflow task is sent by the sweeper after it.</param>
    public NewRun StartRun(WorkflowRunRecord next, WorkflowStartedAttributes started, IReadOnlyList<(string Type, string Json)>? initialEvents = null,
        TimeSpan? firstTaskDelay = null, bool cancelRequested = false, IReadOnlyList<BufferedEvent>? buffered = null)
    {
        var run = RunDecider.NewRun(next, started, initialEvents, firstTaskDelay, Context) with { CancelRequested = cancelRequested, Buffered = buffered };
        Effects.Operations.Add(run);
        return run;
    }

    /// <summary>The effects, complete: activity messages get their workflow tail now that every event is known.</summary>
    public RunEffects Finish()
    {
        if (_activityMessages.Count > 0)
        {
            var tail = _activityMessages.Any(a => a.WithTail) ? WorkflowTail() : null;
            foreach (var (message, withTail) in _activityMessages)
            {
                Effects.ActivityMessages.Add(withTail && tail is not null ? message with { WorkflowTail = tail } : message);
            }
            _activityMessages.Clear();
        }
        return Effects;
    }

    /// <summary>
    /// The events since the answered workflow task, when all of them are this decision's (the task is idle again and nothing
    /// else was recorded in between) and they are few; else null (the activity's worker then answers the result alone).
    /// </summary>
    private List<HistoryEvent>? WorkflowTail()
    {
        var events = Effects.Events;
        if (Task is not { State: TaskState.Idle } idle || idle.EventsFrom < Run.NextEventId || idle.EventsFrom >= NextEventId
            || NextEventId - idle.EventsFrom > MaxTailEvents)
        {
            return null;
        }
        var skip = (int)(idle.EventsFrom - Run.NextEventId);
        if (events.Skip(skip).Sum(e => e.AttributesJson.Length) > MaxTailChars)
        {
            return null;
        }
        return events.Skip(skip).Select((e, i) => TaskMessages.ToHistoryEvent(idle.EventsFrom + i, e.EventType, e.Timestamp, e.AttributesJson)).ToList();
    }

    /// <summary>The number of UTF-8 bytes of a JSON text (the task message limits count bytes).</summary>
    public static long Bytes(string json) => Encoding.UTF8.GetByteCount(json);

    public static FailureInfo? ReadFailure(string? json) => json is null ? null : JsonSerializer.Deserialize<FailureInfo>(json, HistoryJson.Options);
}
