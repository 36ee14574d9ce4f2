using System.Net.Mime;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace Orchestrator.Engine.Triggers;

/// <summary>
/// Reads a CloudEvent from an HTTP request with the CloudEvents SDK: structured mode (<c>application/cloudevents+json</c>
/// body) or binary mode (<c>ce-*</c> headers, the body as the data).
/// </summary>
internal static class HttpCloudEvents
{
    /// <summary>The SDK's JSON formatter (structured mode, and data of binary mode); shared with <see cref="BrokerEvents"/>.</summary>
    internal static readonly JsonEventFormatter Formatter = new();

    /// <summary>Longest <c>id</c>, <c>source</c>, <c>type</c> and <c>subject</c> taken (they are keys and template values; PostgreSQL indexes them).</summary>
    public const int MaxAttributeLength = 1000;

    private static string? TooLong(CloudEvent e) =>
        e.Id!.Length > MaxAttributeLength ? "id"
        : e.Source!.OriginalString.Length > MaxAttributeLength ? "source"
        : e.Type!.Length > MaxAttributeLength ? "type"
        : e.Subject is { Length: > MaxAttributeLength } ? "subject"
        : null;

    /// <summary>The event, or null with the reason it is not a valid CloudEvent.</summary>
    public static IncomingEvent? Read(HttpRequest request, byte[] body, out string? error)
    {
        error = null;
        try
        {
            var contentType = request.ContentType;
            CloudEvent cloudEvent;
            if (contentType is not null && contentType.StartsWith("application/cloudevents", StringComparison.OrdinalIgnoreCase))
            {
                cloudEvent = Formatter.DecodeStructuredModeMessage(body, new ContentType(contentType), null);
            }
            else
            {
                var versionId = request.Headers["ce-specversion"].ToString();
                if (versionId.Length == 0)
                {
                    error = "The request is not a CloudEvent: send it structured (Content-Type: application/cloudevents+json) or binary (headers ce-specversion, ce-id, ce-source, ce-type).";
                    return null;
                }
                if (CloudEventsSpecVersion.FromVersionId(versionId) is not { } version)
                {
                    error = $"ce-specversion '{versionId}' is not a CloudEvents version this engine reads (1.0).";
                    return null;
                }
                cloudEvent = new CloudEvent(version);
                foreach (var (name, value) in request.Headers)
                {
                    if (name.StartsWith("ce-", StringComparison.OrdinalIgnoreCase) && !name.Equals("ce-specversion", StringComparison.OrdinalIgnoreCase))
                    {
                        cloudEvent.SetAttributeFromString(name[3..].ToLowerInvariant(), Uri.UnescapeDataString(value.ToString()));
                    }
                }
                if (contentType is not null)
                {
                    cloudEvent.DataContentType = contentType;
                }
                if (body.Length > 0)
                {
                    Formatter.DecodeBinaryModeEventData(body, cloudEvent);
                }
            }
            return Complete(cloudEvent, out error);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or JsonException)
        {
            error = $"The request is not a valid CloudEvent: {e.Message}";
            return null;
        }
    }

    /// <summary>Validates a decoded event (required attributes, lengths) and gives it as triggers see it, or null with the reason.</summary>
    /// <exception cref="InvalidOperationException">a required attribute is missing (the SDK's validation).</exception>
    internal static IncomingEvent? Complete(CloudEvent cloudEvent, out string? error)
    {
        cloudEvent.Validate();
        if (TooLong(cloudEvent) is { } attribute)
        {
            error = $"The CloudEvent's '{attribute}' is longer than {MaxAttributeLength} characters.";
            return null;
        }
        error = null;
        return ToIncoming(cloudEvent);
    }

    /// <summary>The event as triggers see it: data as JSON (text as a string, bytes as base64), and the whole event in structured JSON.</summary>
    public static IncomingEvent ToIncoming(CloudEvent cloudEvent)
    {
        JsonElement? data = cloudEvent.Data switch
        {
            null => null,
            JsonElement j => j.Clone(),
            string s => JsonSerializer.SerializeToElement(s),
            byte[] b => JsonSerializer.SerializeToElement(Convert.ToBase64String(b)),
            var other => JsonSerializer.SerializeToElement(other.ToString()),
        };
        var whole = Formatter.EncodeStructuredModeMessage(cloudEvent, out _);
        using var doc = JsonDocument.Parse(whole);
        return new IncomingEvent(cloudEvent.Id!, cloudEvent.Source!.ToString(), cloudEvent.Type!, cloudEvent.Subject, data, doc.RootElement.Clone());
    }
}
