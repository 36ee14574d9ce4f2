using MassTransit;
using Orchestrator.Contracts.Messages;

namespace Orchestrator.Engine.Dispatch;

/// <summary>Takes worker answers from the engine queue and applies them, each in one run transaction.</summary>
internal sealed class EngineConsumer(TaskAnswerHandler handler) :
    IConsumer<WorkflowTaskCompletedMessage>,
    IConsumer<WorkflowTaskFailedMessage>,
    IConsumer<ActivityTaskCompletedMessage>,
    IConsumer<ActivityTaskFailedMessage>,
    IConsumer<ActivityHeartbeatMessage>,
    IConsumer<ActivityTaskStartedMessage>
{
    public async Task Consume(ConsumeContext<WorkflowTaskCompletedMessage> context)
    {
        using var span = EngineTelemetry.StartSpan("apply workflow task", null, context.Message.RunId);
        await handler.HandleAsync(context.Message);
    }

    public async Task Consume(ConsumeContext<WorkflowTaskFailedMessage> context)
    {
        using var span = EngineTelemetry.StartSpan("apply workflow task failure", null, context.Message.RunId);
        await handler.HandleAsync(context.Message with { Failure = CommandValidator.Bounded(context.Message.Failure) }); // reports are bounded, not refused
    }

    public async Task Consume(ConsumeContext<ActivityTaskCompletedMessage> context)
    {
        using var span = EngineTelemetry.StartSpan("apply activity result", null, context.Message.RunId);
        await handler.HandleAsync(context.Message);
    }

    public async Task Consume(ConsumeContext<ActivityTaskFailedMessage> context)
    {
        using var span = EngineTelemetry.StartSpan("apply activity failure", null, context.Message.RunId);
        await handler.HandleAsync(context.Message);
    }

    public Task Consume(ConsumeContext<ActivityHeartbeatMessage> context) => handler.HandleAsync(context.Message);

    public Task Consume(ConsumeContext<ActivityTaskStartedMessage> context) => handler.HandleAsync(context.Message);
}
