using System.Globalization;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using RabbitMQ.Client;

namespace Orchestrator.Engine.Triggers;

/// <summary>An event read from a broker message: the event, which kind of trigger takes it, and the types it is matched by.</summary>
/// <param name="Event">The event as triggers see it.</param>
/// <param name="Kind"><see cref="ValidTrigger.Kinds.CloudEvents"/> or <see cref="ValidTrigger.Kinds.MassTransit"/>.</param>
/// <param name="Types">The types triggers are matched by: the CloudEvents type, or every message type URN of a MassTransit message.</param>
internal sealed record BrokerEvent(IncomingEvent Event, string Kind, IReadOnlyList<string> Types);

/// <summary>
/// Reads the messages of the events queue: CloudEvents published to the events exchange, structured
/// (<c>content-type: application/cloudevents+json</c>) or in the AMQP binary binding (<c>cloudEvents:*</c> headers, the body
/// as the data), with the CloudEvents SDK; and messages of users' MassTransit apps that came through a message type
/// exchange (the MassTransit JSON envelope, or raw JSON with the AMQP message id).
/// </summary>
internal static class BrokerEvents
{
    public const string MassTransitContentType = "application/vnd.masstransit+json";
    public const string MessageUrnPrefix = "urn:message:";

    /// <summary>Prefixes of CloudEvents attributes in AMQP headers (the binding's <c>cloudEvents:</c>, and <c>cloudEvents_</c> for clients that cannot write a colon).</summary>
    private static readonly string[] AttributePrefixes = ["cloudEvents:", "cloudEvents_"];

    /// <summary>The message type exchange MassTransit publishes <paramref name="messageTypeUrn"/> to (<c>urn:message:Shop:OrderPlaced</c> → <c>Shop:OrderPlaced</c>).</summary>
    public static string ExchangeOf(string messageTypeUrn) => messageTypeUrn[MessageUrnPrefix.Length..];

    /// <summary>The event of a message, or null with the reason it cannot be taken.</summary>
    /// <param name="fromEventsExchange">Whether the message was published to the events exchange (else to a MassTransit message type exchange).</param>
    /// <param name="exchange">The exchange the message was published to.</param>
    /// <param name="properties">The message's AMQP properties.</param>
    /// <param name="body">The message body.</param>
    /// <param name="error">Why the message is not an event, when null is returned.</param>
    public static BrokerEvent? Read(bool fromEventsExchange, string exchange, IReadOnlyBasicProperties properties, byte[] body, out string? error)
    {
        if (body.Length > Api.ApiLimits.MaxBodyBytes)
        {
            error = $"The message body has {body.Length} bytes; events of up to {Api.ApiLimits.MaxBodyBytes} bytes are taken.";
            return null;
        }
        try
        {
            return fromEventsExchange ? ReadCloudEvent(properties, body, out error) : ReadMassTransit(exchange, properties, body, out error);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or JsonException)
        {
            error = $"The message is not a valid {(fromEventsExchange ? "CloudEvent" : "MassTransit message")}: {e.Message}";
            return null;
        }
    }

    private static BrokerEvent? ReadCloudEvent(IReadOnlyBasicProperties properties, byte[] body, out string? error)
    {
        var contentType = properties.ContentType;
        CloudEvent cloudEvent;
        if (contentType is not null && contentType.StartsWith("application/cloudevents", StringComparison.OrdinalIgnoreCase))
        {
            if (contentType.StartsWith("application/cloudevents-batch", StringComparison.OrdinalIgnoreCase))
            {
                error = "A batch of CloudEvents is not taken: publish one event per message.";
                return null;
            }
            cloudEvent = HttpCloudEvents.Formatter.DecodeStructuredModeMessage(body, new ContentType(contentType), null);
        }
        else
        {
            if (HttpCloudEvents.FromBinary(Attributes(properties.Headers), contentType, body, "cloudEvents:", out error) is not { } binary)
            {
                error ??= "The message is not a CloudEvent: publish it structured (content-type application/cloudevents+json) or binary "
                    + "(headers cloudEvents:specversion, cloudEvents:id, cloudEvents:source, cloudEvents:type; the body is the data).";
                return null;
            }
            cloudEvent = binary;
        }
        return HttpCloudEvents.Complete(cloudEvent, out error) is { } e ? new BrokerEvent(e, ValidTrigger.Kinds.CloudEvents, [e.Type]) : null;
    }

    /// <summary>The CloudEvents attributes among AMQP headers (lower-case names without the prefix; strings as UTF-8 text, timestamps as RFC 3339).</summary>
    private static Dictionary<string, string> Attributes(IDictionary<string, object?>? headers)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers ?? new Dictionary<string, object?>())
        {
            if (AttributePrefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)) is { } prefix && value is not null)
            {
                attributes[name[prefix.Length..].ToLowerInvariant()] = Text(value);
            }
        }
        return attributes;
    }

    private static string Text(object value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        AmqpTimestamp t => DateTimeOffset.FromUnixTimeSeconds(t.UnixTime).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>
    /// A MassTransit message as a CloudEvent: id = the message id, source = the sending endpoint's address, type = the
    /// first message type URN, time = the sent time, data = the message.
    /// </summary>
    private static BrokerEvent? ReadMassTransit(string exchange, IReadOnlyBasicProperties properties, byte[] body, out string? error)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        string? id, source = null, sent = null;
        List<string> types;
        JsonElement message;
        if (properties.ContentType is null || properties.ContentType.StartsWith(MassTransitContentType, StringComparison.OrdinalIgnoreCase))
        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("message", out message))
            {
                error = $"The message on exchange '{exchange}' is not a MassTransit envelope (a JSON object with 'messageId', 'messageType' and 'message').";
                return null;
            }
            id = StringOf(root, "messageId");
            source = StringOf(root, "sourceAddress");
            sent = StringOf(root, "sentTime");
            types = root.TryGetProperty("messageType", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)
                    .Where(t => t.StartsWith(MessageUrnPrefix, StringComparison.Ordinal)).ToList()
                : [];
        }
        else
        {
            // raw JSON (UseRawJsonSerializer): the body is the message, the id is the AMQP message id, the type is the exchange's
            (id, message, types) = (properties.MessageId, root, [MessageUrnPrefix + exchange]);
        }
        if (string.IsNullOrEmpty(id))
        {
            error = $"The MassTransit message on exchange '{exchange}' has no message id; without one a redelivery cannot be told from a new message.";
            return null;
        }
        if (types.Count == 0)
        {
            types.Add(MessageUrnPrefix + exchange);
        }
        var cloudEvent = new CloudEvent
        {
            Id = id,
            Source = new Uri(string.IsNullOrEmpty(source) ? "urn:masstransit:" + exchange : source, UriKind.RelativeOrAbsolute),
            Type = types[0],
            DataContentType = "application/json",
            Data = message.Clone(),
        };
        if (sent is not null && DateTimeOffset.TryParse(sent, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
        {
            cloudEvent.Time = time;
        }
        return HttpCloudEvents.Complete(cloudEvent, out error) is { } e ? new BrokerEvent(e, ValidTrigger.Kinds.MassTransit, types) : null;
    }

    private static string? StringOf(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}
