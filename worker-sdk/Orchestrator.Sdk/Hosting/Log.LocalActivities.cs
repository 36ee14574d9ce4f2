using Microsoft.Extensions.Logging;

namespace Orchestrator.Sdk.Hosting;

/// <summary>The worker's log messages about local activities (event ids 1150–1159, among the workflow tasks').</summary>
internal static partial class Log
{
    [LoggerMessage(1150, LogLevel.Debug, "Workflow task {WorkflowId}/{RunId} at event {ScheduledEventId} answers after {Rounds} round(s) of local activities ({CommandCount} command(s), {Elapsed}) and continues in a new task with {Waiting} local activity(ies) waiting")]
    public static partial void LocalActivitiesContinued(this ILogger logger, string workflowId, string runId, long scheduledEventId, int rounds, int commandCount, TimeSpan elapsed, int waiting);

    [LoggerMessage(1152, LogLevel.Debug, "Workflow task {WorkflowId}/{RunId} at event {ScheduledEventId} came again (attempt {Attempt}) after this worker answered it with local work: the same answer is sent again, nothing runs twice")]
    public static partial void WorkflowTaskAnsweredAgain(this ILogger logger, string workflowId, Guid runId, long scheduledEventId, int attempt);

    [LoggerMessage(1151, LogLevel.Warning, "Local activity {ActivityName} of {WorkflowId}/{RunId} (attempt {Attempt}) ran {Duration}, longer than the workflow task's time for local activities ({Budget}): the engine may send the task again and the activity run again. Keep local activities short, or make it an ordinary activity")]
    public static partial void LocalActivityOutlastedTask(this ILogger logger, string activityName, string workflowId, string runId, int attempt, TimeSpan duration, TimeSpan budget);
}
