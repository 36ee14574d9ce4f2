namespace Orchestrator.Contracts.Commands;

/// <summary>
/// The retry policy of an activity as the engine applies it (the SDK's <c>RetryPolicy</c> on the wire).
/// Delay before attempt n+1 = min(<paramref name="InitialInterval"/> × <paramref name="BackoffCoefficient"/>^(n-1), <paramref name="MaximumInterval"/>),
/// randomized by <paramref name="Jitter"/>.
/// </summary>
/// <param name="InitialInterval">Delay before the first retry.</param>
/// <param name="BackoffCoefficient">Growth factor of the delay (≥ 1).</param>
/// <param name="MaximumInterval">Largest delay between attempts.</param>
/// <param name="MaximumAttempts">Attempts in total including the first; 0 = unlimited.</param>
/// <param name="NonRetryableErrorTypes">Failure types (<see cref="FailureInfo.Type"/>) that end the activity at once.</param>
/// <param name="Jitter"><c>"None"</c> (exact delays) or <c>"Full"</c> (a uniformly random delay between 0 and the computed one).</param>
public sealed record RetryPolicyInfo(
    TimeSpan InitialInterval,
    double BackoffCoefficient,
    TimeSpan MaximumInterval,
    int MaximumAttempts,
    IReadOnlyList<string> NonRetryableErrorTypes,
    string Jitter = "None");
