namespace Orchestrator.Sdk;

/// <summary>
/// Options of one local activity call (<see cref="WorkflowContext.ExecuteLocalActivityAsync{TActivities, TResult}"/>): it runs
/// in the worker that runs the workflow task, not through the engine, so it has no task queue, no heartbeat and no
/// schedule-to-start limit.
/// </summary>
public sealed class LocalActivityOptions
{
    /// <summary>The default threshold below which a retry's back-off is waited out inside the worker: 1 minute.</summary>
    public static readonly TimeSpan DefaultLocalRetryThreshold = TimeSpan.FromMinutes(1);

    internal static readonly LocalActivityOptions Default = new();

    /// <summary>
    /// Limit of one attempt; an attempt still running then fails as timed out (<c>ActivityTimedOut</c>) and is retried by the
    /// policy. Default 5 seconds. Keep it well below the engine's workflow task timeout (10 s by default): an attempt
    /// that outlasts it makes the engine send the workflow task again, and the activity may run again.
    /// </summary>
    public TimeSpan StartToCloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Limit of all attempts together, from the start of the first, back-offs (durable timers too) included; null = none.</summary>
    public TimeSpan? ScheduleToCloseTimeout { get; init; }

    /// <summary>How failed attempts are retried; null = the <see cref="Sdk.RetryPolicy"/> defaults (1 s, doubling, up to 100 s, no limit of attempts).</summary>
    public RetryPolicy? RetryPolicy { get; init; }

    /// <summary>
    /// A retry whose back-off is shorter than this is waited out inside the worker, in the same workflow task (when the task's
    /// time allows); a longer back-off is a durable timer (<c>StartTimer</c>) and the attempt after it runs in a later
    /// workflow task. Null = <see cref="DefaultLocalRetryThreshold"/> (1 minute).
    /// </summary>
    public TimeSpan? LocalRetryThreshold { get; init; }

    /// <summary>Throws when a value is out of range (so workflow code learns it at the call, not when the worker runs it).</summary>
    internal void Validate()
    {
        if (StartToCloseTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(StartToCloseTimeout), StartToCloseTimeout, "A local activity's StartToCloseTimeout must be positive.");
        }
        if (ScheduleToCloseTimeout is { } total && total <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ScheduleToCloseTimeout), total, "A local activity's ScheduleToCloseTimeout must be positive (or null for none).");
        }
        if (LocalRetryThreshold is { } threshold && threshold < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(LocalRetryThreshold), threshold, "A local activity's LocalRetryThreshold may not be negative.");
        }
        if (RetryPolicy is { } policy && (policy.InitialInterval < TimeSpan.Zero || policy.MaximumInterval < TimeSpan.Zero
                || !double.IsFinite(policy.BackoffCoefficient) || policy.BackoffCoefficient < 1 || policy.MaximumAttempts < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(RetryPolicy), "A local activity's RetryPolicy needs intervals of 0 or more, a BackoffCoefficient of 1 or more and MaximumAttempts of 0 (unlimited) or more.");
        }
    }
}
