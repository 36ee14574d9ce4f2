namespace Orchestrator.Sdk;

/// <summary>How a <see cref="Saga"/> runs its compensations.</summary>
public sealed class SagaOptions
{
    /// <summary>Run all compensations at once instead of one after the other in reverse order. Default false.</summary>
    public bool ParallelCompensation { get; init; }

    /// <summary>
    /// Keep compensating when a compensation fails, and report every failure together at the end. Default false:
    /// the first failure stops compensation. (Parallel compensation always runs every compensation.)
    /// </summary>
    public bool ContinueOnCompensationError { get; init; }
}
