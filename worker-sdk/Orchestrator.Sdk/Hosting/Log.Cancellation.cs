using Microsoft.Extensions.Logging;

namespace Orchestrator.Sdk.Hosting;

/// <summary>The worker's log messages about activities the workflow cancels (event ids 1230–1239, among the activities').</summary>
internal static partial class Log
{
    [LoggerMessage(1230, LogLevel.Information, "The workflow asked to cancel activity attempt {RunId}/{ScheduledEventId} (attempt {Attempt}): its cancellation token is canceled")]
    public static partial void ActivityCancelRequested(this ILogger logger, Guid runId, long scheduledEventId, int attempt);

    [LoggerMessage(1231, LogLevel.Information, "Activity {ActivityName} of {WorkflowId}/{RunId} (event {ScheduledEventId}, attempt {Attempt}) stopped on the workflow's cancel request ({FailureType}); the engine records ActivityCanceled")]
    public static partial void ActivityCanceled(this ILogger logger, string activityName, string workflowId, Guid runId, long scheduledEventId, int attempt, string failureType);
}
