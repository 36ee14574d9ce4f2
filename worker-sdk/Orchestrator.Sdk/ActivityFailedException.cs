namespace Orchestrator.Sdk;

/// <summary>An activity failed for good (after the engine's retries) or timed out; thrown in the workflow where it awaits the activity.</summary>
public sealed class ActivityFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="activityName">The activity name.</param>
    /// <param name="errorType">The class name of the exception the activity threw (<c>ex.GetType().Name</c>).</param>
    /// <param name="attempt">The last attempt.</param>
    /// <param name="message">The activity exception's message.</param>
    public ActivityFailedException(string activityName, string errorType, int attempt, string message)
        : base(message)
    {
        ActivityName = activityName;
        ErrorType = errorType;
        Attempt = attempt;
    }

    /// <summary>The activity name.</summary>
    public string ActivityName { get; }

    /// <summary>The class name of the exception the activity threw, e.g. <c>CardDeclinedException</c>; <c>ActivityTimedOut</c> for a timeout without a failure.</summary>
    public string ErrorType { get; }

    /// <summary>The last attempt (1-based).</summary>
    public int Attempt { get; }
}
