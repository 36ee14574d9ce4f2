namespace Orchestrator.Engine;

/// <summary>The engine's log messages (source-generated). Event ids: 1xx dispatch, 2xx API, 3xx hosting, 4xx broker topology.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Debug, "Dropped stale {What} for run {RunId} (scheduled event {ScheduledEventId}, attempt {Attempt})")]
    public static partial void StaleAnswer(ILogger logger, string what, Guid runId, long scheduledEventId, int attempt);

    [LoggerMessage(105, LogLevel.Debug, "Workflow task continued after activity {ScheduledEventId} of run {RunId} not applied: it assumed event {AssumedEventId}, the run is at {NextEventId}; the result is recorded alone")]
    public static partial void ContinuationNotApplied(ILogger logger, Guid runId, long scheduledEventId, long assumedEventId, long nextEventId);

    [LoggerMessage(106, LogLevel.Warning, "Listening for run closes failed; listening again in 1 s (waiting results are read every few seconds meanwhile)")]
    public static partial void ListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(101, LogLevel.Warning, "Workflow task of {WorkflowId} (run {RunId}) failed: {FailureType}: {FailureMessage}")]
    public static partial void WorkflowTaskFailed(ILogger logger, string workflowId, Guid runId, string failureType, string failureMessage);

    [LoggerMessage(102, LogLevel.Warning, "Outbox relay could not send {Count} message(s); they stay in the outbox and are sent again")]
    public static partial void RelayFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(103, LogLevel.Warning, "Sweeper pass failed")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(104, LogLevel.Error, "Handling {MessageType} for run {RunId} failed")]
    public static partial void AnswerFailed(ILogger logger, string messageType, Guid runId, Exception exception);

    [LoggerMessage(400, LogLevel.Debug, "Declared {QueueType} queue {Queue} and bound it to exchange {Inbox}")]
    public static partial void QueueDeclared(ILogger logger, string queue, string queueType, string inbox);

    [LoggerMessage(401, LogLevel.Warning, "Declaring {QueueType} queue {Queue} failed; the send is tried again (a PRECONDITION_FAILED means the queue exists with another type: see docs/operations.md)")]
    public static partial void QueueDeclareFailed(ILogger logger, string queue, string queueType, Exception exception);
}
