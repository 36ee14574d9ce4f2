using Orchestrator.Contracts.Commands;

namespace Orchestrator.Engine.Dispatch;

/// <summary>Retry decisions for activity attempts (Temporal's semantics where the names match).</summary>
internal static class RetryMath
{
    /// <summary>The policy used when the workflow gave none: 1 s, ×2, at most 100 s apart, unlimited attempts.</summary>
    public static readonly RetryPolicyInfo DefaultPolicy = new(TimeSpan.FromSeconds(1), 2.0, TimeSpan.FromSeconds(100), 0, []);

    /// <summary>The delay before the attempt after <paramref name="failedAttempt"/>, or null when no retry is allowed.</summary>
    /// <param name="jitter">A number in [0, 1) for full jitter (the decision's <c>DecisionContext.NextJitter</c>).</param>
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
