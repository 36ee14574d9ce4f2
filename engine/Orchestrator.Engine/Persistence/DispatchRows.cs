using Orchestrator.Engine.Decider;

namespace Orchestrator.Engine.Persistence;

/// <summary>States of <c>workflow_tasks.state</c> and <c>activity_tasks.state</c>.</summary>
internal static class TaskState
{
    public const string Idle = "idle";
    public const string Scheduled = "scheduled";
    public const string Dispatched = "dispatched";

    /// <summary>An activity attempt the workflow asked to cancel: its next answer, heartbeat timeout or deadline closes it <c>ActivityCanceled</c>.</summary>
    public const string Canceling = "canceling";
}

/// <summary>A run's workflow task state (table <c>workflow_tasks</c>).</summary>
internal sealed record WorkflowTaskRow
{
    public required Guid RunId { get; init; }
    public required long ScheduledEventId { get; init; }
    public required int Attempt { get; init; }
    public required string TaskQueue { get; init; }
    public required long EventsFrom { get; init; }
    public required string State { get; init; }
    public required DateTime DispatchAfter { get; init; }
    public string? LastFailure { get; init; }

    /// <summary>The broker confirmed this attempt's message (set by the relay after the send; false until then).</summary>
    public bool Sent { get; init; }

    /// <summary>When this attempt's message was handed to the relay (null while the task waits for its back-off).</summary>
    public DateTime? DispatchedAt { get; init; }

    /// <summary>How many times in a row this task's answer was overdue (its next timeout doubles each time).</summary>
    public int Timeouts { get; init; }
}

/// <summary>A scheduled, not yet closed activity (table <c>activity_tasks</c>).</summary>
internal sealed record ActivityTaskRow
{
    public required Guid RunId { get; init; }
    public required long ScheduledEventId { get; init; }
    public required int Seq { get; init; }
    public required string ActivityName { get; init; }
    public required string TaskQueue { get; init; }
    public string? Input { get; init; }
    public required string Options { get; init; }
    public required int Attempt { get; init; }
    public required string State { get; init; }
    public required DateTime ScheduledAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public required DateTime DispatchAfter { get; init; }
    public string? HeartbeatDetails { get; init; }
    public DateTime? HeartbeatAt { get; init; }
    public string? LastFailure { get; init; }
    public DateTime? AttemptDeadline { get; init; }
    public TimeSpan? HeartbeatTimeout { get; init; }
    public DateTime? PickedUpAt { get; init; }
}

/// <summary>A message for RabbitMQ written in the state change's transaction (<paramref name="Attempts"/>: failed sends so far).</summary>
internal sealed record OutboxRow(string Destination, string MessageType, string Message, long Id = 0, int Attempts = 0);

/// <summary>
/// A message to send once the change that made it commits: <paramref name="Message"/> is the message object;
/// <paramref name="OutboxId"/> is its outbox row (deleted after the send), or 0 when no row backs it (a workflow task,
/// whose <c>workflow_tasks</c> row is the durable record: the sweeper sends it again when its answer does not come).
/// </summary>
/// <paramref name="TimeToLive"/>: how long the message may wait in its queue (a workflow task's: its timeout, after which the
/// engine sends a newer attempt anyway, so at most one live copy of a task waits in the queue).
internal sealed record OutgoingMessage(string Destination, object Message, long OutboxId = 0, TimeSpan? TimeToLive = null);

/// <summary>An event that arrived while a workflow task was in flight (<paramref name="OccurredAt"/>: its own time, if it has one).</summary>
internal sealed record BufferedEventRow(long Id, string EventType, string AttributesJson, DateTime? OccurredAt = null);

/// <summary>What a run transaction read and locked first (<see cref="DispatchStore.LockRunAsync"/>).</summary>
/// <remarks><c>Tail</c>: with an activity, when the workflow task was idle, the events from its <c>events_from</c> on.</remarks>
internal sealed record RunLock(WorkflowRunRecord? Run, WorkflowTaskRow? Task, ActivityTaskRow? Activity, IReadOnlyList<BufferedEventRow> Buffered,
    IReadOnlyList<StoredEvent>? Tail, IReadOnlyList<Decider.TimerTaken> DueTimers);

/// <summary>One run to lock and read with others (<see cref="DispatchStore.LockRunsAsync"/>).</summary>
internal sealed record LockRequest(Guid RunId, SnapshotNeeds Needs, long ActivityScheduledEventId);

/// <summary>One run's writes with others' (<see cref="DispatchStore.WriteChangesAsync"/>).</summary>
internal sealed record RunWrite(RunEffects Effects, IReadOnlyList<long> ConsumedBufferIds, IReadOnlyList<OutboxRow> Outbox);
