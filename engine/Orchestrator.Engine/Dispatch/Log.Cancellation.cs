namespace Orchestrator.Engine;

/// <summary>Log messages about activities a workflow cancels (event ids 402–409).</summary>
internal static partial class Log
{
    [LoggerMessage(402, LogLevel.Debug, "Told the worker at {CancelQueue} that the workflow asked to cancel activity {RunId}/{ScheduledEventId} (attempt {Attempt})")]
    public static partial void ActivityCancelSent(ILogger logger, Guid runId, long scheduledEventId, int attempt, string cancelQueue);

    [LoggerMessage(403, LogLevel.Information, "Could not tell the worker that the workflow asked to cancel activity {RunId}/{ScheduledEventId} (attempt {Attempt}): {Reason}; the next heartbeat tries again, the attempt's answer or timeout closes it")]
    public static partial void ActivityCancelNotSent(ILogger logger, Guid runId, long scheduledEventId, int attempt, string reason);
}
