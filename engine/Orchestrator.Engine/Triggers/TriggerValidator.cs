using System.Text.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Api;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Triggers;

/// <summary>A trigger definition that passed validation, with its defaults filled in.</summary>
internal sealed record ValidTrigger(string TriggerId, TriggerSource Source, TriggerAction Action, TriggerWebhook? Webhook)
{
    public static class Kinds
    {
        public const string CloudEvents = "cloudevents";
        public const string MassTransit = "masstransit";
        public const string Start = "start";
        public const string Signal = "signal";
        public const string SignalWithStart = "signalWithStart";
        public const string InputData = "data";
        public const string InputEvent = "event";
    }

    /// <summary>What the event's type is matched against: the CloudEvents type or the MassTransit message type.</summary>
    public string EventType => Source.Kind == Kinds.MassTransit ? Source.MessageType! : Source.Type!;

    public TriggerKey Key() => new(TriggerId, Source.Kind, EventType, Source.Kind == Kinds.CloudEvents ? Source.Source : null,
        JsonSerializer.Serialize(new TriggerDefinition(TriggerId, Source, Action, Webhook), TriggerValidator.Json));

    public static ValidTrigger Read(string definition)
    {
        var d = JsonSerializer.Deserialize<TriggerDefinition>(definition, TriggerValidator.Json)!;
        return new ValidTrigger(d.TriggerId!, d.Source!, d.Action!, d.Webhook);
    }
}

/// <summary>Checks a trigger body of the REST API; every error names the field and what it must be.</summary>
internal static partial class TriggerValidator
{
    public const int MaxTextLength = 400;

    /// <summary>Longest message type URN: its exchange name (the URN without <c>urn:message:</c>) must fit AMQP's 255 bytes.</summary>
    public const int MaxMessageTypeLength = 255 + 12;

    /// <summary>
    /// A MassTransit message type URN whose exchange (<c>Namespace:Type</c>) the engine may declare and bind: the engine's
    /// broker permissions (scripts/broker-permissions.tsv) name exchanges of this shape.
    /// </summary>
    [System.Text.RegularExpressions.GeneratedRegex("^urn:message:[A-Za-z0-9_.]+:[A-Za-z0-9_]+$")]
    private static partial System.Text.RegularExpressions.Regex MessageTypePattern();

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public const string Shape = "{\"triggerId\",\"source\":{\"kind\":\"cloudevents\",\"type\",\"source\"?}|{\"kind\":\"masstransit\",\"messageType\"},"
        + "\"action\":{\"kind\":\"start|signal|signalWithStart\",\"workflowType\"?,\"taskQueue\"?,\"workflowId\"?,\"signalName\"?,\"input\"?:\"data|event\"},"
        + "\"webhook\"?:{\"secretRef\"}}";

    /// <param name="body">The body as read.</param>
    /// <param name="pathId">The id in the path (PUT), or null (POST).</param>
    public static ValidTrigger? Validate(TriggerDefinition? body, string? pathId, out string? error)
    {
        if (body is null)
        {
            error = $"The request body is required: {Shape}.";
            return null;
        }
        var id = pathId ?? body.TriggerId;
        error = ApiLimits.CheckName("triggerId", id, required: true);
        if (error is null && pathId is not null && body.TriggerId is not null && body.TriggerId != pathId)
        {
            error = $"'triggerId' ('{body.TriggerId}') differs from the trigger id in the path ('{pathId}').";
        }
        error ??= CheckSource(body.Source) ?? CheckAction(body.Action) ?? (body.Webhook is { } w ? WebhookSecrets.CheckReference(w.SecretRef) : null);
        if (error is not null)
        {
            return null;
        }
        var source = body.Source!;
        source = source.Kind == ValidTrigger.Kinds.CloudEvents ? source with { MessageType = null } : new TriggerSource(source.Kind, MessageType: source.MessageType);
        var action = body.Action!;
        action = action with
        {
            TaskQueue = action.Kind == ValidTrigger.Kinds.Signal ? null : action.TaskQueue ?? "default",
            WorkflowId = action.WorkflowId ?? "{triggerId}-{id}",
            WorkflowType = action.Kind == ValidTrigger.Kinds.Signal ? null : action.WorkflowType,
            SignalName = action.Kind == ValidTrigger.Kinds.Start ? null : action.SignalName,
            Input = action.Input ?? ValidTrigger.Kinds.InputData,
        };
        return new ValidTrigger(id!, source, action, body.Webhook);
    }

    private static string? CheckSource(TriggerSource? source) => source switch
    {
        null => $"'source' is required: {{\"kind\":\"cloudevents\",\"type\",\"source\"?}} or {{\"kind\":\"masstransit\",\"messageType\"}}.",
        { Kind: ValidTrigger.Kinds.CloudEvents, Type: null or "" } => "'source.type' is required for kind 'cloudevents' (the CloudEvents type it matches).",
        { Kind: ValidTrigger.Kinds.CloudEvents } => CheckText("source.type", source.Type) ?? CheckText("source.source", source.Source),
        { Kind: ValidTrigger.Kinds.MassTransit, MessageType: null or "" } => "'source.messageType' is required for kind 'masstransit' (e.g. 'urn:message:Shop:OrderPlaced').",
        { Kind: ValidTrigger.Kinds.MassTransit } => MessageTypePattern().IsMatch(source.MessageType!) && source.MessageType!.Length <= MaxMessageTypeLength
            ? null
            : $"'source.messageType' must be a MassTransit message type URN 'urn:message:Namespace:Type' (letters, digits, '_', and '.' in the "
                + $"namespace; a type in a namespace, not nested or generic; up to {MaxMessageTypeLength} characters), not '{source.MessageType}'.",
        _ => $"'source.kind' must be 'cloudevents' or 'masstransit', not '{source.Kind}'.",
    };

    private static string? CheckAction(TriggerAction? action)
    {
        if (action is null)
        {
            return "'action' is required: {\"kind\":\"start|signal|signalWithStart\",\"workflowType\"?,\"taskQueue\"?,\"workflowId\"?,\"signalName\"?,\"input\"?}.";
        }
        var kind = action.Kind;
        if (kind is not (ValidTrigger.Kinds.Start or ValidTrigger.Kinds.Signal or ValidTrigger.Kinds.SignalWithStart))
        {
            return $"'action.kind' must be 'start', 'signal' or 'signalWithStart', not '{kind}'.";
        }
        var starts = kind != ValidTrigger.Kinds.Signal;
        var signals = kind != ValidTrigger.Kinds.Start;
        return (starts ? ApiLimits.CheckName("action.workflowType", action.WorkflowType, required: true) : null)
            ?? (starts ? ApiLimits.CheckName("action.taskQueue", action.TaskQueue, required: false) : null)
            ?? (signals ? ApiLimits.CheckName("action.signalName", action.SignalName, required: true) : null)
            ?? (signals && string.IsNullOrEmpty(action.WorkflowId) ? $"'action.workflowId' (a template such as 'order-{{data.orderId}}') is required for kind '{kind}'." : null)
            ?? (action.WorkflowId is { } t ? CheckText("action.workflowId", t) ?? WorkflowIdTemplate.Check(t) : null)
            ?? (action.Input is null or ValidTrigger.Kinds.InputData or ValidTrigger.Kinds.InputEvent ? null : $"'action.input' must be 'data' or 'event', not '{action.Input}'.");
    }

    private static string? CheckText(string what, string? value) =>
        value is null ? null
        : value.Length is 0 or > MaxTextLength ? $"'{what}' must have 1 to {MaxTextLength} characters."
        : value.Any(char.IsControl) ? $"'{what}' may not contain control characters." : null;
}
