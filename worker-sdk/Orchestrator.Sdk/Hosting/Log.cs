using Microsoft.Extensions.Logging;

namespace Orchestrator.Sdk.Hosting;

/// <summary>
/// The worker's log messages (event ids 1000–1099: host, 1100–1199: workflow tasks, 1200–1299: activities, 1300–1399: the
/// workflow runtime, written through the workflow's replay-safe logger).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Orchestrator worker {Identity} started on task queue '{TaskQueue}' ({WorkflowCount} workflow type(s), {ActivityCount} activity(ies)); answers go to queue '{EngineQueue}'")]
    public static partial void WorkerStarted(this ILogger logger, string identity, string taskQueue, int workflowCount, int activityCount, string engineQueue);

    [LoggerMessage(1001, LogLevel.Information, "Orchestrator worker stopping; in-flight tasks have {ShutdownTimeout} to finish")]
    public static partial void WorkerStopping(this ILogger logger, TimeSpan shutdownTimeout);

    [LoggerMessage(1002, LogLevel.Information, "Orchestrator worker stopped")]
    public static partial void WorkerStopped(this ILogger logger);

    [LoggerMessage(1010, LogLevel.Error, "Configuration error: the engine at {EngineUrl} refused the worker's API key ({StatusCode}): {WhichKey}. Set Orchestrator:ApiKey (or Orchestrator:Worker:ApiKey) to the engine's Orchestrator:ApiKey; until then every workflow task that needs the run's history from the engine fails and is retried")]
    public static partial void EngineRefusedApiKey(this ILogger logger, Uri engineUrl, int statusCode, string whichKey);

    [LoggerMessage(1100, LogLevel.Debug, "Workflow task {WorkflowId}/{RunId} at event {ScheduledEventId} (attempt {Attempt}) completed with {CommandCount} command(s) ({Activation})")]
    public static partial void WorkflowTaskCompleted(this ILogger logger, string workflowId, Guid runId, long scheduledEventId, int attempt, int commandCount, string activation);

    [LoggerMessage(1101, LogLevel.Warning, "Workflow task {WorkflowId}/{RunId} at event {ScheduledEventId} (attempt {Attempt}) failed: {FailureType}: {FailureMessage}")]
    public static partial void WorkflowTaskFailed(this ILogger logger, string workflowId, Guid runId, long scheduledEventId, int attempt, string failureType, string failureMessage);

    [LoggerMessage(1102, LogLevel.Warning, "Workflow type '{WorkflowType}' of {WorkflowId}/{RunId} is not registered with this worker (task queue '{TaskQueue}')")]
    public static partial void UnknownWorkflowType(this ILogger logger, string workflowType, string workflowId, Guid runId, string taskQueue);

    [LoggerMessage(1103, LogLevel.Debug, "Cached instance of {WorkflowId}/{RunId} cannot continue at event {FirstEventId}: {Reason}; replaying from event 1")]
    public static partial void CachedInstanceDropped(this ILogger logger, string workflowId, Guid runId, long firstEventId, string reason);

    [LoggerMessage(1104, LogLevel.Debug, "Fetched {EventCount} history event(s) of {WorkflowId}/{RunId} from the engine")]
    public static partial void HistoryFetched(this ILogger logger, int eventCount, string workflowId, Guid runId);

    [LoggerMessage(1105, LogLevel.Error, "Workflow task {WorkflowId}/{RunId} at event {ScheduledEventId} threw")]
    public static partial void WorkflowTaskError(this ILogger logger, Exception exception, string workflowId, Guid runId, long scheduledEventId);

    [LoggerMessage(1106, LogLevel.Debug, "Workflow task {WorkflowId}/{RunId} continued after activity {ScheduledEventId} was not run here: {Reason}")]
    public static partial void ContinuationSkipped(this ILogger logger, string workflowId, Guid runId, long scheduledEventId, string reason);

    [LoggerMessage(1200, LogLevel.Debug, "Activity {ActivityName} of {WorkflowId}/{RunId} (event {ScheduledEventId}, attempt {Attempt}) completed")]
    public static partial void ActivityCompleted(this ILogger logger, string activityName, string workflowId, Guid runId, long scheduledEventId, int attempt);

    [LoggerMessage(1201, LogLevel.Information, "Activity {ActivityName} of {WorkflowId}/{RunId} (event {ScheduledEventId}, attempt {Attempt}) failed: {FailureType}: {FailureMessage}")]
    public static partial void ActivityFailed(this ILogger logger, string activityName, string workflowId, Guid runId, long scheduledEventId, int attempt, string failureType, string failureMessage);

    [LoggerMessage(1202, LogLevel.Information, "Activity {ActivityName} of {WorkflowId}/{RunId} (event {ScheduledEventId}, attempt {Attempt}) was interrupted by shutdown; its message goes back to the broker")]
    public static partial void ActivityInterrupted(this ILogger logger, string activityName, string workflowId, Guid runId, long scheduledEventId, int attempt);

    [LoggerMessage(1204, LogLevel.Information, "Activity {ActivityName} of {WorkflowId}/{RunId} (event {ScheduledEventId}, attempt {Attempt}) sent no heartbeat within its HeartbeatTimeout and was cancelled; the engine records the timeout")]
    public static partial void ActivityHeartbeatTimedOut(this ILogger logger, string activityName, string workflowId, Guid runId, long scheduledEventId, int attempt);

    [LoggerMessage(1203, LogLevel.Warning, "Heartbeat of activity {ActivityName} (event {ScheduledEventId}, attempt {Attempt}) could not be sent")]
    public static partial void HeartbeatFailed(this ILogger logger, Exception exception, string activityName, long scheduledEventId, int attempt);

    [LoggerMessage(1110, LogLevel.Warning, "The answer of workflow task {WorkflowId}/{RunId} at event {ScheduledEventId} (attempt {Attempt}) could not be sent; the engine sends the task again after its timeout")]
    public static partial void WorkflowTaskAnswerNotSent(this ILogger logger, Exception exception, string workflowId, Guid runId, long scheduledEventId, int attempt);

    [LoggerMessage(1011, LogLevel.Information, "Receive endpoint {InputAddress} is ready")]
    public static partial void EndpointReady(this ILogger logger, Uri inputAddress);

    [LoggerMessage(1012, LogLevel.Information, "Receive endpoint {InputAddress} stopped after {DeliveryCount} deliveries")]
    public static partial void EndpointCompleted(this ILogger logger, Uri inputAddress, long deliveryCount);

    [LoggerMessage(1013, LogLevel.Error, "Receive endpoint {InputAddress} faulted")]
    public static partial void EndpointFaulted(this ILogger logger, Exception? exception, Uri inputAddress);

    [LoggerMessage(1016, LogLevel.Warning, "Queue {Queue} has had no consumer for {Strikes} checks although this worker's bus consumes it (a consumer lost in a broker restart); starting a new bus and stopping the old one")]
    public static partial void BusReplacing(this ILogger logger, string queue, int strikes);

    [LoggerMessage(1017, LogLevel.Error, "The new bus for queue {Queue} did not start; the next checks try again")]
    public static partial void BusReplacementFailed(this ILogger logger, Exception exception, string queue);

    [LoggerMessage(1018, LogLevel.Warning, "The replaced bus did not stop in time ({ErrorType}: {ErrorMessage}); it is left to the end of the process")]
    public static partial void OldBusNotStopped(this ILogger logger, string errorType, string errorMessage);

    [LoggerMessage(1019, LogLevel.Error, "The check of the task queues' consumers stopped")]
    public static partial void ConsumerWatchdogStopped(this ILogger logger, Exception exception);

    [LoggerMessage(1020, LogLevel.Information, "Query {QueryName} of {WorkflowId}/{RunId} failed: {FailureType}: {FailureMessage}")]
    public static partial void QueryFailed(this ILogger logger, string queryName, string workflowId, Guid runId, string failureType, string failureMessage);

    [LoggerMessage(1021, LogLevel.Warning, "The answer to query {QueryName} of {WorkflowId} could not be sent to {ReplyTo}; the caller gets its timeout")]
    public static partial void QueryAnswerNotSent(this ILogger logger, Exception exception, string queryName, string workflowId, string replyTo);

    [LoggerMessage(1300, LogLevel.Warning, "Signal {SignalName} of {WorkflowId}/{RunId} was dropped: its input does not fit the handler {Handler}'s parameter ({ParameterType}): {Error}")]
    public static partial void SignalDropped(this ILogger logger, string signalName, string workflowId, string runId, string handler, string parameterType, string error);
}
