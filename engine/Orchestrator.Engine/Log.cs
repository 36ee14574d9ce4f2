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

    // 150-169: isolation of failing items (sweeper, outbox sweep) and worker commands checked before they are applied

    [LoggerMessage(150, LogLevel.Warning, "Sweeper could not handle the {What} of run {RunId} ({Failures} failure(s) in a row); it is put aside for {RetryIn} while the rest goes on")]
    public static partial void SweepItemFailed(ILogger logger, string what, Guid runId, int failures, TimeSpan retryIn, Exception exception);

    [LoggerMessage(151, LogLevel.Warning, "Outbox row {OutboxId} to {Destination} could not be sent (attempt {Attempts}); it is kept and sent again after a back-off while later rows go on")]
    public static partial void OutboxRowFailed(ILogger logger, long outboxId, string destination, int attempts, Exception exception);

    [LoggerMessage(152, LogLevel.Error, "Outbox row {OutboxId} to {Destination} failed {Attempts} times; it stays in table outbox (attempts, last_error) for an operator and is tried again every few minutes")]
    public static partial void OutboxRowPoisoned(ILogger logger, long outboxId, string destination, int attempts, Exception exception);

    [LoggerMessage(153, LogLevel.Warning, "Workflow task {ScheduledEventId} of {WorkflowId} (run {RunId}) answered commands the engine does not apply; the task fails (InvalidCommand) and is retried: {Reason}")]
    public static partial void InvalidCommand(ILogger logger, string workflowId, Guid runId, long scheduledEventId, string reason);

    [LoggerMessage(154, LogLevel.Warning, "Heartbeat of attempt {Attempt} of activity {ScheduledEventId} (run {RunId}) has details over the size limit; they are not kept (the heartbeat counts)")]
    public static partial void HeartbeatDetailsTooLarge(ILogger logger, Guid runId, long scheduledEventId, int attempt);

    [LoggerMessage(104, LogLevel.Error, "Handling {MessageType} for run {RunId} failed")]
    public static partial void AnswerFailed(ILogger logger, string messageType, Guid runId, Exception exception);

    [LoggerMessage(200, LogLevel.Warning, "Orchestrator:ApiKey is not set: the REST API is open to anyone who can reach this engine (anyone can start, signal, cancel and terminate any workflow). Set Orchestrator:ApiKey, and the same key on workers and the dashboard")]
    public static partial void ApiOpen(ILogger logger);

    [LoggerMessage(201, LogLevel.Warning, "Orchestrator:ApiKey has only {Length} characters; use a random key of at least 32 (e.g. openssl rand -hex 32)")]
    public static partial void ApiKeyShort(ILogger logger, int length);

    // 120-129: workflow task dispatch and late answers (issue 12)
    [LoggerMessage(120, LogLevel.Information, "Workflow task {ScheduledEventId} (attempt {Attempt}) of {WorkflowId} / run {RunId} got no answer in time (message confirmed by the broker: {Sent}); sending a new attempt")]
    public static partial void WorkflowTaskOverdue(ILogger logger, string workflowId, Guid runId, long scheduledEventId, int attempt, bool sent);

    [LoggerMessage(121, LogLevel.Information, "Workflow task {ScheduledEventId} (attempt {Attempt}) of {WorkflowId} / run {RunId} was never confirmed sent; sending it again")]
    public static partial void WorkflowTaskUnsent(ILogger logger, string workflowId, Guid runId, long scheduledEventId, int attempt);

    [LoggerMessage(122, LogLevel.Information, "The answer of attempt {Attempt} of activity {ScheduledEventId} of {WorkflowId} / run {RunId} came {Late} after the attempt's deadline: recorded as timed out")]
    public static partial void LateActivityAnswer(ILogger logger, string workflowId, Guid runId, long scheduledEventId, int attempt, TimeSpan late);

    [LoggerMessage(123, LogLevel.Warning, "The relay's queue of fresh messages is full: {Count} message(s) left to the sweeps (their rows are their durable record)")]
    public static partial void RelayQueueFull(ILogger logger, int count);

    [LoggerMessage(124, LogLevel.Warning, "Sending {Count} message(s) to {Destinations} timed out; their send endpoints are dropped and the messages sent again by the sweeps")]
    public static partial void RelaySendTimedOut(ILogger logger, int count, string destinations);

    [LoggerMessage(400, LogLevel.Debug, "Declared {QueueType} queue {Queue} and bound it to exchange {Inbox}")]
    public static partial void QueueDeclared(ILogger logger, string queue, string queueType, string inbox);

    [LoggerMessage(401, LogLevel.Warning, "Declaring {QueueType} queue {Queue} failed; the send is tried again (a PRECONDITION_FAILED means the queue exists with another type: see docs/operations.md)")]
    public static partial void QueueDeclareFailed(ILogger logger, string queue, string queueType, Exception exception);

    [LoggerMessage(170, LogLevel.Information, "A group commit of {Runs} runs rolled back ({ExceptionType}: {Message}); each answer of it is applied alone")]
    public static partial void GroupCommitFellBack(ILogger logger, int runs, string exceptionType, string message);

    [LoggerMessage(171, LogLevel.Information, "Telling parent run {ParentRunId} that child run {ChildRunId} closed failed ({ExceptionType}); the sweeper tells it")]
    public static partial void ParentNoticeDeferred(ILogger logger, Guid parentRunId, Guid childRunId, string exceptionType);

    // 320-339: visibility (search attributes, list queries)

    [LoggerMessage(320, LogLevel.Warning, "Reading the search attribute registry failed; the engine keeps the attributes it knew and reads again in a few seconds")]
    public static partial void SearchAttributeRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(321, LogLevel.Information, "Search attribute {Name} registered as {Type}")]
    public static partial void SearchAttributeRegistered(ILogger logger, string name, string type);

    [LoggerMessage(322, LogLevel.Warning, "A list query ran longer than {TimeoutSeconds} s and was canceled: {Query}")]
    public static partial void ListQueryTimedOut(ILogger logger, int timeoutSeconds, string query);

    [LoggerMessage(107, LogLevel.Warning, "Queue {Queue} has had no consumer for {Strikes} checks although the bus consumes it (a consumer lost in a broker restart); restarting the bus")]
    public static partial void BusRestarting(ILogger logger, string queue, int strikes);

    [LoggerMessage(108, LogLevel.Error, "Restarting the bus for queue {Queue} failed; the next checks try again")]
    public static partial void BusRestartFailed(ILogger logger, Exception exception, string queue);

    [LoggerMessage(109, LogLevel.Error, "The check of the engine queue's consumer stopped")]
    public static partial void ConsumerWatchdogStopped(ILogger logger, Exception exception);
}
