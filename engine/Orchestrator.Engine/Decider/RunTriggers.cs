using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Decider;

/// <summary>
/// What happens to a run: one of these and the run's <see cref="RunSnapshot"/> go into <see cref="RunDecider.Decide"/>.
/// Each says which parts of the snapshot the shell must read for it (<see cref="Needs"/>).
/// </summary>
internal abstract record RunTrigger
{
    public virtual SnapshotNeeds Needs => SnapshotNeeds.None;
}

/// <summary>Which optional parts of a snapshot a trigger needs read (and locked) with the run.</summary>
[Flags]
internal enum SnapshotNeeds
{
    None = 0,
    /// <summary>The run's buffered events, taken (deleted with the read; the decider re-buffers what it does not use).</summary>
    TakeBuffered = 1,
    /// <summary>The run's buffered events, read.</summary>
    ReadBuffered = 2,
    /// <summary>The activity row of <see cref="IActivityTrigger.ScheduledEventId"/>, locked.</summary>
    Activity = 4,
    /// <summary>With <see cref="Activity"/>: the run's events since its idle workflow task (for the next task's message).</summary>
    Tail = 8,
    /// <summary>The run's timers due by now, taken.</summary>
    DueTimers = 16,
}

internal interface IActivityTrigger
{
    long ScheduledEventId { get; }
}

/// <summary>A client's signal.</summary>
internal sealed record SignalTrigger(string SignalName, JsonElement? Payload) : RunTrigger;

/// <summary>A client's update, its validator passed on a worker (delivered like a signal: the next workflow task runs its handler).</summary>
internal sealed record UpdateAcceptedTrigger(string UpdateId, string UpdateName, JsonElement? Input) : RunTrigger;

/// <summary>A client's cancel request (cooperative: the code decides).</summary>
internal sealed record CancelRequestTrigger(string? Reason) : RunTrigger;

/// <summary>A client's terminate (no workflow code runs).</summary>
internal sealed record TerminateTrigger(string? Reason) : RunTrigger
{
    public override SnapshotNeeds Needs => SnapshotNeeds.ReadBuffered;
}

/// <summary>A worker answered a workflow task with commands.</summary>
internal sealed record WorkflowTaskCompletedTrigger(WorkflowTaskCompletedMessage Answer) : RunTrigger
{
    public override SnapshotNeeds Needs => SnapshotNeeds.TakeBuffered;

    /// <summary>Workflow ids of the children the commands start (the shell reads which have an open run).</summary>
    public IEnumerable<string> ChildWorkflowIds => Answer.Commands.OfType<StartChildWorkflowCommand>().Select(c => c.WorkflowId);

    /// <summary>Seqs of the activities the commands cancel (the shell locks their rows).</summary>
    public IEnumerable<int> CanceledActivitySeqs => Answer.Commands.OfType<RequestCancelActivityCommand>().Select(c => c.Seq);

    /// <summary>Workflow ids of children started with an id reuse policy (the shell reads their latest run's status).</summary>
    public IEnumerable<string> ReusePolicyChildIds => Answer.Commands.OfType<StartChildWorkflowCommand>().Where(c => c.IdReusePolicy is not null).Select(c => c.WorkflowId);
}

/// <summary>A worker reports a workflow task failed (the run stays open; the task is retried).</summary>
internal sealed record WorkflowTaskFailedTrigger(WorkflowTaskFailedMessage Answer) : RunTrigger
{
    public override SnapshotNeeds Needs => SnapshotNeeds.ReadBuffered;
}

/// <summary>An activity attempt returned (with, maybe, the next workflow task already run on the worker).</summary>
internal sealed record ActivityCompletedTrigger(ActivityTaskCompletedMessage Answer) : RunTrigger, IActivityTrigger
{
    public long ScheduledEventId => Answer.ScheduledEventId;

    public override SnapshotNeeds Needs => SnapshotNeeds.Activity | (Answer.Continuation is null ? SnapshotNeeds.Tail : SnapshotNeeds.None);

    public IEnumerable<string> ChildWorkflowIds =>
        (Answer.Continuation?.Commands ?? []).OfType<StartChildWorkflowCommand>().Select(c => c.WorkflowId);

    /// <summary>Seqs of the activities the continuation's commands cancel (the shell locks their rows).</summary>
    public IEnumerable<int> CanceledActivitySeqs => (Answer.Continuation?.Commands ?? []).OfType<RequestCancelActivityCommand>().Select(c => c.Seq);

    /// <summary>Workflow ids of children the continuation starts with an id reuse policy.</summary>
    public IEnumerable<string> ReusePolicyChildIds =>
        (Answer.Continuation?.Commands ?? []).OfType<StartChildWorkflowCommand>().Where(c => c.IdReusePolicy is not null).Select(c => c.WorkflowId);
}

/// <summary>An activity attempt threw.</summary>
internal sealed record ActivityFailedTrigger(ActivityTaskFailedMessage Answer) : RunTrigger, IActivityTrigger
{
    public long ScheduledEventId => Answer.ScheduledEventId;

    public override SnapshotNeeds Needs => SnapshotNeeds.Activity | SnapshotNeeds.Tail;
}

/// <summary>The sweeper: the run's workflow task is due (a back-off ended, an answer is overdue, a send was not confirmed).</summary>
internal sealed record WorkflowTaskDueTrigger : RunTrigger;

/// <summary>The sweeper: an activity attempt is due (sent after its back-off) or past a deadline.</summary>
internal sealed record ActivityDueTrigger(long ScheduledEventId) : RunTrigger, IActivityTrigger
{
    public override SnapshotNeeds Needs => SnapshotNeeds.Activity | SnapshotNeeds.Tail;
}

/// <summary>The timer poller: the run has timers due (every due one fires in this decision).</summary>
internal sealed record TimersDueTrigger : RunTrigger
{
    public override SnapshotNeeds Needs => SnapshotNeeds.DueTimers | SnapshotNeeds.ReadBuffered;
}

/// <summary>A child of the run closed (<see cref="RunSnapshot.Child"/>: its row, locked after the parent's).</summary>
internal sealed record ChildClosedTrigger(Guid ChildRunId) : RunTrigger;

/// <summary>The run's parent closed; the run's parent-close policy applies (<c>Terminate</c> or <c>RequestCancel</c>).</summary>
internal sealed record ParentClosedTrigger(Guid ParentRunId, string ParentStatus, string? Policy) : RunTrigger
{
    public override SnapshotNeeds Needs => SnapshotNeeds.ReadBuffered;
}

/// <summary>
/// A request of the run (command <paramref name="Seq"/>, <paramref name="Kind"/> <c>Signal</c> or <c>Cancel</c>) reached
/// run <paramref name="TargetRunId"/> of its target, or failed with <paramref name="Failure"/> (no open run).
/// </summary>
internal sealed record ExternalRequestDoneTrigger(int Seq, string Kind, Guid? TargetRunId, Contracts.FailureInfo? Failure) : RunTrigger;

/// <summary>A due timer taken with the run (<see cref="SnapshotNeeds.DueTimers"/>).</summary>
internal sealed record TimerTaken(string TimerKey, string Payload);
