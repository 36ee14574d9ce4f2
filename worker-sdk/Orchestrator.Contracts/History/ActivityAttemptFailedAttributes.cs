namespace Orchestrator.Contracts.History;

/// <summary>
/// Attributes of <c>ActivityAttemptFailed</c>: one attempt of an activity failed or timed out and the engine will retry it
/// (informational: the replay runtime does not wait for it; the final outcome is <c>ActivityCompleted</c>,
/// <c>ActivityFailed</c> or <c>ActivityTimedOut</c>). JSON: <c>{"seq","scheduledEventId","attempt","failure","timeoutType"?,"nextAttemptAt"}</c>.
/// </summary>
/// <param name="Seq">The activity's sequence number.</param>
/// <param name="ScheduledEventId">The event id of its <c>ActivityScheduled</c>.</param>
/// <param name="Attempt">The attempt that failed (1-based).</param>
/// <param name="Failure">Its failure (type, message, stack trace).</param>
/// <param name="TimeoutType">Set when the attempt timed out: <c>"StartToClose"</c> or <c>"Heartbeat"</c>.</param>
/// <param name="NextAttemptAt">When the next attempt is sent (the retry back-off ends).</param>
public sealed record ActivityAttemptFailedAttributes(int Seq, long ScheduledEventId, int Attempt, FailureInfo Failure, string? TimeoutType, DateTimeOffset NextAttemptAt);
