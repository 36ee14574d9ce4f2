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
                var attributes = request.Headers
                    .Where(h => h.Key.StartsWith("ce-", StringComparison.OrdinalIgnoreCase))
                    .ToDictionary(h => h.Key[3..].ToLowerInvariant(), h => Uri.UnescapeDataString(h.Value.ToString()), StringComparer.Ordinal);
                if (FromBinary(attributes, contentType, body, "ce-", out error) is not { } binary)
                {
                    error ??= "The request is not a CloudEvent: send it structured (Content-Type: application/cloudevents+json) or binary (headers ce-specversion, ce-id, ce-source, ce-type).";
                    return null;
                }
                cloudEvent = binary;
            }
            return Complete(cloudEvent, out error);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or JsonException)
        {
            error = $"The request is not a valid CloudEvent: {e.Message}";
            return null;
        }
    }

    /// <summary>
    /// A binary-mode event: <paramref name="attributes"/> (lower-case names without the binding's prefix, which
    /// <paramref name="prefix"/> names in errors), the content type as its <c>datacontenttype</c>, the body as its data. Null
    /// with a null <paramref name="error"/> when there is no <c>specversion</c> (not a binary-mode event at all), or with the
    /// reason for a version this engine does not read.
    /// </summary>
    internal static CloudEvent? FromBinary(Dictionary<string, string> attributes, string? contentType, byte[] body, string prefix, out string? error)
    {
        error = null;
        if (!attributes.Remove("specversion", out var versionId) || versionId.Length == 0)
        {
            return null;
        }
        if (CloudEventsSpecVersion.FromVersionId(versionId) is not { } version)
        {
            error = $"{prefix}specversion '{versionId}' is not a CloudEvents version this engine reads (1.0).";
            return null;
        }
        var cloudEvent = new CloudEvent(version);
        foreach (var (name, value) in attributes)
        {
            cloudEvent.SetAttributeFromString(name, value);
        }
        if (contentType is not null)
        {
            cloudEvent.DataContentType = contentType;
        }
        if (body.Length > 0)
        {
            Formatter.DecodeBinaryModeEventData(body, cloudEvent);
        }
        return cloudEvent;
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
