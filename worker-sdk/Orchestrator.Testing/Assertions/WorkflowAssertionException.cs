namespace Orchestrator.Testing;

/// <summary>
/// A check of <see cref="HistoryAssertions"/> did not hold. Its message says what was expected, what the history holds
/// instead, and the history itself in brief; any test framework (xunit, NUnit, MSTest) reports it as a failed test.
/// </summary>
public sealed class WorkflowAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was expected and what was found.</param>
    public WorkflowAssertionException(string message)
        : base(message)
    {
    }
}
