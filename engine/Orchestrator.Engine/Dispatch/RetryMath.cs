using Orchestrator.Contracts.Commands;

namespace Orchestrator.Engine.Dispatch;

/// <summary>Retry decisions for activity attempts: <see cref="RetryRules"/>, the rules the worker applies to local activities too.</summary>
internal static class RetryMath
{
    /// <summary>The policy used when the workflow gave none (<see cref="RetryRules.DefaultPolicy"/>).</summary>
    public static RetryPolicyInfo DefaultPolicy => RetryRules.DefaultPolicy;

    /// <summary>The delay before the attempt after <paramref name="failedAttempt"/>, or null when no retry is allowed.</summary>
    /// <param name="jitter">A number in [0, 1) for full jitter (the decision's <c>DecisionContext.NextJitter</c>).</param>
    public static TimeSpan? NextDelay(RetryPolicyInfo? policy, int failedAttempt, string errorType, Func<double> jitter) =>
        RetryRules.NextDelay(policy, failedAttempt, errorType, jitter);
}
