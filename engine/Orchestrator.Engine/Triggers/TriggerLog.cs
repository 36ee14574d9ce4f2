namespace Orchestrator.Engine;

/// <summary>Log messages of triggers (event ids 340-359). A webhook secret never appears in them.</summary>
internal static partial class Log
{
    [LoggerMessage(340, LogLevel.Debug, "Trigger {TriggerId}: event {EventSource} {EventId} {Outcome} workflow {WorkflowId}")]
    public static partial void TriggerEventDelivered(ILogger logger, string triggerId, string eventSource, string eventId, string outcome, string workflowId);

    [LoggerMessage(341, LogLevel.Information, "Trigger {TriggerId}: event {EventSource} {EventId} was taken before; nothing new")]
    public static partial void TriggerEventDeduplicated(ILogger logger, string triggerId, string eventSource, string eventId);

    [LoggerMessage(342, LogLevel.Warning, "Trigger {TriggerId}: event {EventSource} {EventId} dead-lettered: {Reason}")]
    public static partial void TriggerEventDeadLettered(ILogger logger, string triggerId, string eventSource, string eventId, string reason);

    [LoggerMessage(343, LogLevel.Warning, "An event over HTTP was refused (401): {Reason}")]
    public static partial void TriggerWebhookRefused(ILogger logger, string reason);

    [LoggerMessage(344, LogLevel.Error, "Trigger {TriggerId} requires a webhook signature, and its secret cannot be read (missing or empty file or variable); its events over HTTP are refused")]
    public static partial void TriggerWebhookSecretUnreadable(ILogger logger, string triggerId);

    [LoggerMessage(345, LogLevel.Information, "Deleted {Count} trigger claim(s) older than the deduplication window ({Window}); those events would act again if delivered again")]
    public static partial void TriggerDeliveriesPruned(ILogger logger, long count, TimeSpan window);

    [LoggerMessage(346, LogLevel.Warning, "Pruning old trigger claims failed; trying again on the next pass")]
    public static partial void TriggerPruneFailed(ILogger logger, Exception exception);
}
