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
}
