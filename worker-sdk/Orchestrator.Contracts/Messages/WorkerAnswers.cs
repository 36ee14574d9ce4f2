using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.Messages;

/// <summary>Worker → engine (queue <see cref="QueueNames.Engine"/>): the commands of a workflow task.</summary>
/// <param name="RunId">The run.</param>
/// <param name="ScheduledEventId">The task's <c>WorkflowTaskScheduled</c> event id.</param>
/// <param name="Attempt">The dispatch attempt answered.</param>
/// <param name="Commands">The new commands, in order.</param>
/// <param name="Identity">The worker's identity (host:pid), recorded in <c>WorkflowTaskStarted</c>.</param>
internal sealed record WorkflowTaskCompletedMessage(Guid RunId, long ScheduledEventId, int Attempt, IReadOnlyList<WorkflowCommand> Commands, string Identity);

/// <summary>Worker → engine: a workflow task failed (non-determinism, escape, unknown type...). The run stays open; the task is retried.</summary>
/// <param name="RunId">The run.</param>
/// <param name="ScheduledEventId">The task's <c>WorkflowTaskScheduled</c> event id.</param>
/// <param name="Attempt">The dispatch attempt answered.</param>
/// <param name="Failure">What went wrong.</param>
/// <param name="Identity">The worker's identity.</param>
internal sealed record WorkflowTaskFailedMessage(Guid RunId, long ScheduledEventId, int Attempt, FailureInfo Failure, string Identity);

/// <summary>Worker → engine: an activity attempt returned.</summary>
/// <param name="RunId">The run.</param>
/// <param name="ScheduledEventId">The <c>ActivityScheduled</c> event id.</param>
/// <param name="Attempt">The attempt.</param>
/// <param name="Result">The JSON result (null for none).</param>
/// <param name="Identity">The worker's identity.</param>
/// <param name="Continuation">The next workflow task, already run by this worker on the result (null when it did not).</param>
/// <param name="StartedAt">When the worker began the attempt (its clock; the engine keeps it within the attempt's send and its answer).</param>
internal sealed record ActivityTaskCompletedMessage(Guid RunId, long ScheduledEventId, int Attempt, JsonElement? Result, string Identity,
    ContinuedWorkflowTask? Continuation = null, DateTimeOffset? StartedAt = null);

/// <summary>
/// The workflow task a worker ran right after an activity completed, on the run's instance it holds: it assumed the run's
/// history is the <see cref="ActivityTaskMessage.WorkflowTail"/> from <paramref name="TailFrom"/>, then, from
/// <paramref name="FirstEventId"/>, <c>ActivityStarted</c>, <c>ActivityCompleted</c> and <c>WorkflowTaskScheduled</c>
/// (attempt 1) at <paramref name="Timestamp"/>. The engine records the result and this task's commands in one transaction
/// when that still holds (nothing else happened to the run meanwhile), else records the result alone and sends a workflow
/// task as usual (the worker's instance then no longer follows on and is replayed).
/// </summary>
/// <param name="TailFrom">The first event id of the tail the worker applied.</param>
/// <param name="FirstEventId">The id the worker gave <c>ActivityStarted</c>.</param>
/// <param name="Timestamp">The timestamp of the three events (whole microseconds): the task's <c>WorkflowContext.UtcNow</c>.</param>
/// <param name="Commands">The task's commands, in order.</param>
/// <param name="ContinuationId">
/// Names this continuation: the engine records it in the task's <c>WorkflowTaskStarted</c> when it applies it, and the worker
/// lets its instance (advanced by these events) follow on only once it sees it there.
/// </param>
internal sealed record ContinuedWorkflowTask(long TailFrom, long FirstEventId, DateTimeOffset Timestamp, IReadOnlyList<WorkflowCommand> Commands,
    Guid? ContinuationId = null);

/// <summary>Worker → engine: an activity attempt threw.</summary>
/// <param name="RunId">The run.</param>
/// <param name="ScheduledEventId">The <c>ActivityScheduled</c> event id.</param>
/// <param name="Attempt">The attempt.</param>
/// <param name="Failure">The exception (type = class name).</param>
/// <param name="Identity">The worker's identity.</param>
/// <param name="StartedAt">When the worker began the attempt.</param>
internal sealed record ActivityTaskFailedMessage(Guid RunId, long ScheduledEventId, int Attempt, FailureInfo Failure, string Identity, DateTimeOffset? StartedAt = null);

/// <summary>Worker → engine: an activity attempt is alive; <paramref name="Details"/> is its checkpoint for a later attempt.</summary>
/// <param name="RunId">The run.</param>
/// <param name="ScheduledEventId">The <c>ActivityScheduled</c> event id.</param>
/// <param name="Attempt">The attempt.</param>
/// <param name="Details">Progress details (null for none).</param>
/// <param name="CancelQueue">
/// The sending worker's cancel queue (<see cref="QueueNames.ActivityCancel"/>): when the workflow asked to cancel the
/// activity, the engine answers the heartbeat there with an <see cref="ActivityCancelMessage"/>. Null from older workers.
/// </param>
internal sealed record ActivityHeartbeatMessage(Guid RunId, long ScheduledEventId, int Attempt, JsonElement? Details, string? CancelQueue = null);

/// <summary>
/// Engine → the worker that heartbeats an attempt: the workflow asked to cancel the activity; the attempt's cancellation
/// token is canceled. Sent in answer to each heartbeat of an attempt whose cancellation was requested.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="ScheduledEventId">The <c>ActivityScheduled</c> event id.</param>
/// <param name="Attempt">The attempt.</param>
internal sealed record ActivityCancelMessage(Guid RunId, long ScheduledEventId, int Attempt);

/// <summary>Failure types with a meaning of their own in an <see cref="ActivityTaskFailedMessage"/>.</summary>
internal static class ActivityFailureTypes
{
    /// <summary>The attempt stopped on the workflow's cancel request (the engine records <c>ActivityCanceled</c>).</summary>
    public const string Canceled = "ActivityCanceled";
}

/// <summary>
/// Worker → engine: a worker took an activity attempt and starts running it (sent only when
/// <see cref="ActivityTaskMessage.ReportStart"/> is set, i.e. the activity has a ScheduleToStartTimeout).
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="ScheduledEventId">The <c>ActivityScheduled</c> event id.</param>
/// <param name="Attempt">The attempt.</param>
/// <param name="Identity">The worker's identity.</param>
internal sealed record ActivityTaskStartedMessage(Guid RunId, long ScheduledEventId, int Attempt, string Identity);
