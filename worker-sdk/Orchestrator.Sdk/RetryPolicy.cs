using Orchestrator.Contracts.Commands;

namespace Orchestrator.Sdk;

/// <summary>How the engine retries a failed activity attempt.</summary>
public sealed class RetryPolicy
{
    private TimeSpan? _maximumInterval;

    /// <summary>Delay before the first retry. Default 1 second.</summary>
    public TimeSpan InitialInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Growth factor of the delay per attempt. Default 2.0.</summary>
    public double BackoffCoefficient { get; init; } = 2.0;

    /// <summary>Largest delay between attempts. Default 100 × <see cref="InitialInterval"/>.</summary>
    public TimeSpan MaximumInterval
    {
        get => _maximumInterval ?? InitialInterval * 100;
        init => _maximumInterval = value;
    }

    /// <summary>Attempts in total including the first; 0 (the default) = unlimited.</summary>
    public int MaximumAttempts { get; init; }

    /// <summary>Exception class names (<c>ex.GetType().Name</c>) that are not retried. Default none.</summary>
    public IReadOnlyList<string> NonRetryableErrorTypes { get; init; } = [];

    /// <summary>Randomization of the delays. Default <see cref="Jitter.None"/>.</summary>
    public Jitter Jitter { get; init; } = Jitter.None;

    internal RetryPolicyInfo ToInfo() => new(InitialInterval, BackoffCoefficient, MaximumInterval, MaximumAttempts, NonRetryableErrorTypes, Jitter.ToString());
}
