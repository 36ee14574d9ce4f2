namespace Orchestrator.Contracts.Commands;

/// <summary>
/// Retry delays of activity attempts (Temporal's semantics where the names match), in one place for the engine (activity
/// attempts) and the worker (local activity attempts).
/// </summary>
internal static class RetryRules
{
    /// <summary>The policy used when the workflow gave none: 1 s, ×2, at most 100 s apart, unlimited attempts.</summary>
    public static readonly RetryPolicyInfo DefaultPolicy = new(TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromSeconds(100), 0, []);

    /// <summary>The delay before the attempt after <paramref name="failedAttempt"/>, or null when no retry is allowed.</summary>
    /// <param name="policy">The policy, or null for <see cref="DefaultPolicy"/>.</param>
    /// <param name="failedAttempt">The attempt that failed (1-based).</param>
    /// <param name="errorType">Its failure type.</param>
    /// <param name="jitter">A number in [0, 1) for full jitter (the engine: the decision's <c>DecisionContext.NextJitter</c>; a worker: its own).</param>
    public static TimeSpan? NextDelay(RetryPolicyInfo? policy, int failedAttempt, string errorType, Func<double> jitter)
    {
        var p = policy ?? DefaultPolicy;
        if (p.NonRetryableErrorTypes.Contains(errorType, StringComparer.Ordinal))
        {
            return null;
        }
        if (p.MaximumAttempts > 0 && failedAttempt >= p.MaximumAttempts)
        {
            return null;
        }
        var initial = p.InitialInterval > TimeSpan.Zero ? p.InitialInterval : TimeSpan.FromSeconds(1);
        var maximum = p.MaximumInterval > TimeSpan.Zero ? p.MaximumInterval : initial * 100;
        var coefficient = Math.Max(1.0, p.BackoffCoefficient);
        var seconds = Math.Min(initial.TotalSeconds * Math.Pow(coefficient, failedAttempt - 1), maximum.TotalSeconds);
        if (string.Equals(p.Jitter, "Full", StringComparison.OrdinalIgnoreCase))
        {
            seconds = jitter() * seconds;
        }
        return TimeSpan.FromSeconds(seconds);
    }
}
