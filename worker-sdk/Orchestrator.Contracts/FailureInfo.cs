namespace Orchestrator.Contracts;

/// <summary>
/// A failure as it travels between worker and engine and as history records it
/// (JSON: <c>{"type","message","stackTrace"?,"inner"?}</c>).
/// </summary>
/// <param name="Type">The exception's class name (<c>ex.GetType().Name</c>), e.g. <c>CardDeclinedException</c>; <c>RetryPolicy.NonRetryableErrorTypes</c> matches it.</param>
/// <param name="Message">The exception's message.</param>
/// <param name="StackTrace">The stack trace, when known.</param>
/// <param name="Inner">The inner failure, when there is one.</param>
public sealed record FailureInfo(string Type, string Message, string? StackTrace = null, FailureInfo? Inner = null)
{
    /// <summary>Describes <paramref name="exception"/> (and its inner exceptions) as a <see cref="FailureInfo"/>.</summary>
    /// <param name="exception">The exception to describe.</param>
    /// <returns>The failure; <see cref="Type"/> is <c>exception.GetType().Name</c>.</returns>
    public static FailureInfo FromException(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new FailureInfo(
            exception.GetType().Name,
            exception.Message,
            exception.StackTrace,
            exception.InnerException is { } inner ? FromException(inner) : null);
    }
}
