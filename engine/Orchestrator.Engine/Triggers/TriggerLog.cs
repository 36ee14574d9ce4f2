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

    [LoggerMessage(347, LogLevel.Warning, "The events queue's bindings to MassTransit message type exchanges were not refreshed within {Timeout} (is the broker reachable?); the next connection binds them")]
    public static partial void BrokerEventBindingsLate(ILogger logger, TimeSpan timeout);

    [LoggerMessage(348, LogLevel.Warning, "Broker events: {ErrorType}: {ErrorMessage}; connecting again in {Delay}")]
    public static partial void BrokerEventSourceFailed(ILogger logger, string errorType, string errorMessage, TimeSpan delay);

    [LoggerMessage(349, LogLevel.Information, "Consuming broker events from queue {Queue} ({Bound} MassTransit message type exchange(s) bound)")]
    public static partial void BrokerEventSourceConsuming(ILogger logger, string queue, int bound);

    [LoggerMessage(350, LogLevel.Warning, "Broker events: {Why}; connecting again")]
    public static partial void BrokerEventSourceLost(ILogger logger, string why);

    [LoggerMessage(351, LogLevel.Information, "Bound MassTransit message type exchange {Exchange} to the events queue {Queue}")]
    public static partial void BrokerEventExchangeBound(ILogger logger, string exchange, string queue);

    [LoggerMessage(352, LogLevel.Information, "Unbound MassTransit message type exchange {Exchange} from the events queue {Queue}: no trigger takes its messages")]
    public static partial void BrokerEventExchangeUnbound(ILogger logger, string exchange, string queue);

    [LoggerMessage(353, LogLevel.Error, "Could not bind MassTransit message type exchange {Exchange} to the events queue: {ErrorMessage}; trying again at the next refresh")]
    public static partial void BrokerEventBindFailed(ILogger logger, string exchange, string errorMessage);

    [LoggerMessage(354, LogLevel.Warning, "A broker event (exchange {Exchange}, message id {MessageId}) is given back to the queue to try again: {ErrorType}: {ErrorMessage}")]
    public static partial void BrokerEventRequeued(ILogger logger, string exchange, string? messageId, string errorType, string errorMessage);

    [LoggerMessage(355, LogLevel.Warning, "A broker message on exchange {Exchange} is not an event triggers can take: {Reason}")]
    public static partial void BrokerEventUnreadable(ILogger logger, string exchange, string reason);

    [LoggerMessage(356, LogLevel.Warning, "A broker event (exchange {Exchange}, message id {MessageId}) was dead-lettered: {Reason}")]
    public static partial void BrokerEventDeadLettered(ILogger logger, string exchange, string? messageId, string reason);
}
