using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Decider;

/// <summary>
/// What a decision does to one run, as data: the shell (<see cref="Dispatch.RunShell"/>) writes it in the run's transaction.
/// Nothing here has been written yet; a decision with <see cref="IsEmpty"/> writes nothing and its transaction rolls back.
/// </summary>
internal sealed class RunEffects
{
    public RunEffects(Guid runId, long expectedNextEventId)
    {
        RunId = runId;
        ExpectedNextEventId = expectedNextEventId;
    }

    public Guid RunId { get; }

    /// <summary>The run's next event id when it was read: the optimistic check of the append.</summary>
    public long ExpectedNextEventId { get; }

    /// <summary>Events appended to the run's history, ids <see cref="ExpectedNextEventId"/> on.</summary>
    public List<NewEvent> Events { get; } = [];

    /// <summary>Events buffered while a workflow task is in flight (rows of <c>buffered_events</c> to insert), in order.</summary>
    public List<BufferedEvent> Buffer { get; } = [];

    /// <summary>The run's buffered events read with the snapshot were used (appended, or dropped on purpose): the shell deletes them.</summary>
    public bool BufferedConsumed { get; set; }

    /// <summary>The run's workflow task row, to upsert (null: unchanged).</summary>
    public WorkflowTaskRow? Task { get; set; }

    /// <summary>Send the workflow task in <see cref="Task"/> after the commit; with <see cref="TaskTimeToLive"/> when it may expire.</summary>
    public bool SendTask { get; set; }

    public TimeSpan? TaskTimeToLive { get; set; }

    public List<ActivityTaskRow> InsertActivities { get; } = [];

    public List<ActivityTaskRow> UpdateActivities { get; } = [];

    /// <summary>Closed activities (their <c>ActivityScheduled</c> ids): their rows are deleted.</summary>
    public List<long> DeleteActivities { get; } = [];

    /// <summary>Activity attempts to send, with the outbox row of each written in the transaction.</summary>
    public List<ActivityTaskMessage> ActivityMessages { get; } = [];

    public List<TimerRow> InsertTimers { get; } = [];

    public List<string> DeleteTimers { get; } = [];

    /// <summary>Set the run's <c>cancel_requested</c>.</summary>
    public bool SetCancelRequested { get; set; }

    /// <summary>The run's search attributes after this decision's <c>SearchAttributesUpserted</c> events (null: unchanged).</summary>
    public SearchAttributesChange? SearchAttributes { get; set; }

    /// <summary>Updates whose handlers finished (their rows get the outcome; their callers wait for it).</summary>
    public List<UpdateOutcome> CompletedUpdates { get; } = [];

    /// <summary>Requests to other workflows recorded by this decision (rows of <c>external_requests</c>; delivered after the commit).</summary>
    public List<ExternalRequestRow> ExternalRequests { get; } = [];

    /// <summary>Runs whose <c>parent_notified</c> is set (this run, or the child whose close a parent was told of).</summary>
    public List<Guid> MarkParentNotified { get; } = [];

    /// <summary>
    /// Runs created and this run's close, in the order decided (a child started before its parent closed is one of the
    /// children its close policy reaches; a continue-as-new closes the run before the next one opens under the same id).
    /// </summary>
    public List<RunOperation> Operations { get; } = [];

    /// <summary>What happened worth a log line (the shell logs them; the decider has no logger).</summary>
    public List<DecisionNote> Notes { get; } = [];

    /// <summary>The close of this run, if the decision closed it.</summary>
    public CloseRun? Close => Operations.OfType<CloseRun>().FirstOrDefault();

    public bool IsEmpty => Events.Count == 0 && Buffer.Count == 0 && !BufferedConsumed && Task is null && InsertActivities.Count == 0
        && UpdateActivities.Count == 0 && DeleteActivities.Count == 0 && ActivityMessages.Count == 0 && InsertTimers.Count == 0
        && DeleteTimers.Count == 0 && !SetCancelRequested && SearchAttributes is null && MarkParentNotified.Count == 0 && Operations.Count == 0
        && CompletedUpdates.Count == 0 && ExternalRequests.Count == 0;
}

/// <summary>An event to buffer; <paramref name="OccurredAt"/>: its own time (appended with it), null for the time it is appended.</summary>
internal sealed record BufferedEvent(string EventType, string AttributesJson, DateTime? OccurredAt = null);

/// <summary>An update's outcome: <paramref name="Status"/> <c>Completed</c> with its result JSON, or <c>Failed</c> with its failure JSON.</summary>
internal sealed record UpdateOutcome(string UpdateId, string Status, string? Result, string? Failure, DateTime CompletedAt);

/// <summary>
/// A request of a run to another workflow: <paramref name="Kind"/> <c>Signal</c> (with <paramref name="SignalName"/> and
/// the <paramref name="Input"/> JSON) or <c>Cancel</c> (with <paramref name="Reason"/>), of command <paramref name="Seq"/>.
/// </summary>
internal sealed record ExternalRequestRow(int Seq, string Kind, string TargetWorkflowId, string? SignalName, string? Input, string? Reason, DateTime CreatedAt)
{
    public const string Signal = "Signal";
    public const string Cancel = "Cancel";

    /// <summary>How long after its commit a request is taken as left (its engine crashed) and any engine delivers it.</summary>
    public static readonly TimeSpan LeftAfter = TimeSpan.FromSeconds(2);
}

/// <summary>A run's search attributes as they are to be stored: a JSON object, or null for none.</summary>
internal sealed record SearchAttributesChange(string? Json);

/// <summary>A durable timer row (table <c>timers</c>).</summary>
internal sealed record TimerRow(Guid RunId, string TimerKey, DateTime FireAt, string Payload);

/// <summary>A run-level operation of a decision (<see cref="RunEffects.Operations"/>).</summary>
internal abstract record RunOperation;

/// <summary>
/// The run closes: its row (status, result or failure, close time, next run), its pending work deleted, the close
/// announced; then the parent-close policy reaches its open children (the shell asks the decider for each).
/// </summary>
internal sealed record CloseRun(string Status, string? Result, string? Failure, DateTime ClosedAt, Guid? NextRunId) : RunOperation;

/// <summary>
/// A run created by the decision (a start, a child, the next run of continue-as-new or of a workflow retry): its row, its
/// first events (ids 1..), its workflow task row, its run-timeout timer, and its first task's message unless it waits for
/// a back-off. <paramref name="CancelRequested"/> and <paramref name="Buffered"/>: a cancel request handed on to it.
/// </summary>
internal sealed record NewRun(WorkflowRunRecord Run, IReadOnlyList<NewEvent> Events, WorkflowTaskRow Task, TimerRow? RunTimeout,
    WorkflowTaskMessage? Message, bool CancelRequested = false, IReadOnlyList<BufferedEvent>? Buffered = null) : RunOperation;

/// <summary>Something the decision did that an operator should see in the log.</summary>
/// <param name="Kind">What.</param>
/// <param name="ScheduledEventId">The task or activity concerned (its scheduled event id).</param>
/// <param name="Attempt">Its attempt.</param>
internal sealed record DecisionNote(DecisionNoteKind Kind, long ScheduledEventId, int Attempt)
{
    /// <summary>What was stale, the invalid command's reason, or the failure's type.</summary>
    public string Text { get; init; } = "";

    /// <summary>The failure's message.</summary>
    public string Detail { get; init; } = "";

    /// <summary>How late an activity's answer came.</summary>
    public TimeSpan Late { get; init; }

    /// <summary>A continuation's assumed first event id, and the run's next event id.</summary>
    public long AssumedEventId { get; init; }

    public long NextEventId { get; init; }

    /// <summary>An overdue workflow task's message was confirmed sent.</summary>
    public bool Sent { get; init; }
}

internal enum DecisionNoteKind
{
    /// <summary>An answer or due item that no longer matches the run (a duplicate, a late or stale answer): nothing was done.</summary>
    Stale,
    InvalidCommand,
    WorkflowTaskFailed,
    LateActivityAnswer,
    ContinuationNotApplied,
    WorkflowTaskOverdue,
    WorkflowTaskUnsent,
}
