using Orchestrator.Contracts.Commands;

namespace Orchestrator.Sdk.Runtime;

/// <summary>Retry delays of local activity attempts: the engine's rules for activities (<see cref="RetryRules"/>), applied in the worker.</summary>
internal static class LocalActivityRetry
{
    /// <summary>The policy when the call gave none (<see cref="RetryRules.DefaultPolicy"/>).</summary>
    public static RetryPolicyInfo DefaultPolicy => RetryRules.DefaultPolicy;

    /// <summary>The delay before the attempt after <paramref name="failedAttempt"/>, or null when no retry is allowed.</summary>
    /// <param name="policy">The call's policy, or null for <see cref="DefaultPolicy"/>.</param>
    /// <param name="failedAttempt">The attempt that failed (1-based).</param>
    /// <param name="errorType">Its failure type (the exception's class name).</param>
    /// <param name="jitter">A number in [0, 1) for full jitter.</param>
    public static TimeSpan? NextDelay(RetryPolicyInfo? policy, int failedAttempt, string errorType, Func<double> jitter) =>
        RetryRules.NextDelay(policy, failedAttempt, errorType, jitter);
}
