namespace Orchestrator.Contracts.Api;

/// <summary>
/// The run's open workflow task, when one is open (<c>pendingWorkflowTask</c>): the engine's answer to "why does this
/// run not move", e.g. no worker knows its type, or its code fails and is retried.
/// </summary>
/// <param name="ScheduledEventId">Its <c>WorkflowTaskScheduled</c> event id.</param>
/// <param name="Attempt">The current attempt (1 for the first).</param>
/// <param name="State">The engine's state of the task: <c>scheduled</c> (waiting to be sent) or <c>dispatched</c> (sent
/// to a worker); later engines may add states, so treat others as opaque.</param>
/// <param name="LastFailure">The failure of the previous attempt, if any.</param>
/// <param name="Note">A sentence saying what the task waits for.</param>
/// <param name="NextAttemptAt">When the task is sent (again), while <paramref name="State"/> is <c>scheduled</c>.</param>
public sealed record PendingWorkflowTask(
    long ScheduledEventId,
    int Attempt,
    string State,
    FailureInfo? LastFailure,
    string Note,
    DateTimeOffset? NextAttemptAt = null);
