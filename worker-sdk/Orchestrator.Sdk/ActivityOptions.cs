namespace Orchestrator.Sdk;

/// <summary>Options of one activity call. Every value is optional; null means the engine's default.</summary>
public sealed class ActivityOptions
{
    /// <summary>Task queue to run the activity on; null = the workflow's task queue.</summary>
    public string? TaskQueue { get; init; }

    /// <summary>Limit of one attempt.</summary>
    public TimeSpan? StartToCloseTimeout { get; init; }

    /// <summary>Limit of all attempts together, retries included.</summary>
    public TimeSpan? ScheduleToCloseTimeout { get; init; }

    /// <summary>Limit of the wait in the queue before a worker takes it.</summary>
    public TimeSpan? ScheduleToStartTimeout { get; init; }

    /// <summary>Maximum time between two heartbeats of a running attempt.</summary>
    public TimeSpan? HeartbeatTimeout { get; init; }

    /// <summary>How failed attempts are retried.</summary>
    public RetryPolicy? RetryPolicy { get; init; }

    /// <summary>
    /// Cancels this activity (not the run): the call throws <see cref="OperationCanceledException"/> as
    /// <see cref="CancellationType"/> says. A token canceled before the call schedules nothing.
    /// </summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>What canceling <see cref="CancellationToken"/> does. Default <see cref="ActivityCancellationType.TryCancel"/>.</summary>
    public ActivityCancellationType CancellationType { get; init; } = ActivityCancellationType.TryCancel;
}

/// <summary>What canceling an activity's <see cref="ActivityOptions.CancellationToken"/> does.</summary>
public enum ActivityCancellationType
{
    /// <summary>
    /// The call throws <see cref="OperationCanceledException"/> at once; the engine records <c>ActivityCancelRequested</c>
    /// and tells the running attempt through its next heartbeat (its <see cref="ActivityExecutionContext.CancellationToken"/>
    /// is canceled); a result that comes after the request is dropped.
    /// </summary>
    TryCancel,

    /// <summary>
    /// As <see cref="TryCancel"/>, but the call throws only when the activity closed (<c>ActivityCanceled</c>): it
    /// acknowledged by stopping, its late result was dropped, or its time ran out.
    /// </summary>
    WaitCancellationCompleted,

    /// <summary>The call throws at once and nothing is sent: the activity runs on, and its result is recorded and ignored.</summary>
    Abandon,
}
