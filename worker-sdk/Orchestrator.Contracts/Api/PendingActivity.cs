namespace Orchestrator.Contracts.Api;

/// <summary>An activity a run has scheduled and not yet closed (one entry of <c>pendingActivities</c>).</summary>
/// <param name="ScheduledEventId">Its <c>ActivityScheduled</c> event id.</param>
/// <param name="ActivityName">The activity name.</param>
/// <param name="Attempt">The current attempt (1 for the first).</param>
/// <param name="State">The engine's state of the attempt: <c>scheduled</c> (waiting to be sent, e.g. for a retry's
/// back-off) or <c>dispatched</c> (sent to a worker); later engines may add states, so treat others as opaque.</param>
/// <param name="StartedAt">When the current attempt started, if a worker reported it.</param>
/// <param name="LastFailure">The failure of the previous attempt, if any.</param>
/// <param name="NextAttemptAt">When the next attempt is due, while <paramref name="State"/> is <c>scheduled</c>.</param>
public sealed record PendingActivity(
    long ScheduledEventId,
    string ActivityName,
    int Attempt,
    string State,
    DateTimeOffset? StartedAt = null,
    FailureInfo? LastFailure = null,
    DateTimeOffset? NextAttemptAt = null);
