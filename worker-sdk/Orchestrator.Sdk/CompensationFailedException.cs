namespace Orchestrator.Sdk;

/// <summary>One or more compensations of a <see cref="Saga"/> failed; <see cref="AggregateException.InnerExceptions"/> holds every failure, in the order they ran.</summary>
public sealed class CompensationFailedException : AggregateException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failures">The compensation failures.</param>
    public CompensationFailedException(IEnumerable<Exception> failures)
        : base("One or more compensations failed.", failures)
    {
    }
}
