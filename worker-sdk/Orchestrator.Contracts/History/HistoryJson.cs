using System.Runtime.CompilerServices;
using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>
/// Reads and writes history event attributes and commands with the one JSON convention both sides use:
/// System.Text.Json web defaults (camelCase names, case-insensitive reading).
/// </summary>
public static class HistoryJson
{
    /// <summary>
    /// The serializer options of history attributes, commands and history pages: web defaults, and the command
    /// discriminator <c>"type"</c> may appear anywhere in the object. Read-only.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { AllowOutOfOrderMetadataProperties = true };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Reads the attributes of <paramref name="historyEvent"/> as <typeparamref name="TAttributes"/> (e.g. <see cref="ActivityScheduledAttributes"/>).</summary>
    /// <typeparam name="TAttributes">The attributes record of the event's type.</typeparam>
    /// <param name="historyEvent">The event.</param>
    /// <returns>The attributes.</returns>
    /// <exception cref="JsonException">The attributes do not have that shape.</exception>
    public static TAttributes GetAttributes<TAttributes>(this HistoryEvent historyEvent)
    {
        ArgumentNullException.ThrowIfNull(historyEvent);
        return historyEvent.Attributes.Deserialize<TAttributes>(Options)
            ?? throw new JsonException($"Event {historyEvent.EventId} ({historyEvent.EventType}) has no attributes.");
    }

    /// <summary>Serializes an attributes record to the <see cref="HistoryEvent.Attributes"/> JSON object.</summary>
    /// <typeparam name="TAttributes">The attributes record type.</typeparam>
    /// <param name="attributes">The attributes.</param>
    /// <returns>The JSON object.</returns>
    public static JsonElement ToAttributes<TAttributes>(TAttributes attributes) => JsonSerializer.SerializeToElement(attributes, Options);

    /// <summary>Creates a history event from typed attributes.</summary>
    /// <typeparam name="TAttributes">The attributes record type.</typeparam>
    /// <param name="eventId">The event id (1-based, gap-free).</param>
    /// <param name="eventType">One of <see cref="EventTypes"/>.</param>
    /// <param name="timestamp">When it was recorded.</param>
    /// <param name="attributes">The attributes.</param>
    /// <returns>The event.</returns>
    public static HistoryEvent CreateEvent<TAttributes>(long eventId, string eventType, DateTimeOffset timestamp, TAttributes attributes)
        => new(eventId, eventType, timestamp, ToAttributes(attributes));

    /// <summary>Serializes a command list (polymorphic, with the <c>"type"</c> discriminator).</summary>
    /// <param name="commands">The commands.</param>
    /// <returns>A JSON array.</returns>
    internal static string SerializeCommands(IEnumerable<WorkflowCommand> commands) => JsonSerializer.Serialize(commands, Options);

    /// <summary>Reads a command list written by <see cref="SerializeCommands"/>.</summary>
    /// <param name="json">A JSON array of commands.</param>
    /// <returns>The commands.</returns>
    internal static IReadOnlyList<WorkflowCommand> DeserializeCommands(string json)
        => JsonSerializer.Deserialize<List<WorkflowCommand>>(json, Options) ?? [];

    /// <summary>Reads the body of <c>GET /api/v1/workflows/{id}/history</c> (an object with an <c>events</c> array).</summary>
    /// <param name="json">The JSON body.</param>
    /// <returns>The page. The events' attributes are parsed when first read (see <see cref="ParseHistoryPage(ReadOnlyMemory{byte})"/>).</returns>
    /// <exception cref="JsonException">The JSON is not a history page.</exception>
    public static HistoryPage ParseHistoryPage(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return ParseHistoryPage(System.Text.Encoding.UTF8.GetBytes(json));
    }

    /// <summary>
    /// Reads the UTF-8 body of <c>GET /api/v1/workflows/{id}/history</c> (an object with an <c>events</c> array) in one pass
    /// of a <see cref="Utf8JsonReader"/>. The whole text is checked (malformed JSON anywhere throws here), but each event's
    /// attributes stay UTF-8 text until <see cref="HistoryEvent.Attributes"/> is first read: a replay reads the attributes
    /// of a third of the events.
    /// </summary>
    /// <param name="utf8Json">The JSON body; the events keep referring to it, so it must not change afterwards.</param>
    /// <returns>The page.</returns>
    /// <exception cref="JsonException">The JSON is malformed or not a history page (no <c>events</c> array, an event that is not an object or lacks <c>eventId</c>, <c>eventType</c> or <c>timestamp</c>, or has one of the wrong kind).</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a hot loop: compiled optimized at once (see ParseHistoryPage)
    public static HistoryPage ParseHistoryPage(ReadOnlyMemory<byte> utf8Json)
    {
        if (utf8Json.Span.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..]; // a UTF-8 byte order mark, as JsonDocument.Parse skips it
        }
        var reader = new Utf8JsonReader(utf8Json.Span);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The history JSON is not an object with an \"events\" array.");
        }
        List<HistoryEvent>? events = null;
        string? next = null;
        var (eventsMatch, tokenMatch) = (Match.None, Match.None);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isEvents = Better(ref reader, "events"u8, "events", ref eventsMatch);
            var isToken = !isEvents && Better(ref reader, "nextPageToken"u8, "nextPageToken", ref tokenMatch);
            reader.Read();
            if (isEvents)
            {
                events = reader.TokenType == JsonTokenType.StartArray ? ReadEvents(ref reader, utf8Json) : null;
                if (events is null)
                {
                    reader.Skip();
                }
            }
            else if (isToken)
            {
                next = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else
            {
                reader.Skip();
            }
        }
        if (reader.Read())
        {
            throw new JsonException("The history JSON has content after its object."); // unreachable: the reader throws first
        }
        return new HistoryPage(events ?? throw new JsonException("The history JSON has no \"events\" array."), next);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a hot loop: compiled optimized at once (see ParseHistoryPage)
    private static List<HistoryEvent> ReadEvents(ref Utf8JsonReader reader, ReadOnlyMemory<byte> utf8Json)
    {
        var events = new List<HistoryEvent>(Math.Max(16, utf8Json.Length / 200)); // ~180 bytes per event in real histories
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var n = events.Count + 1;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"History event #{n} is not an object.");
            }
            long? id = null;
            string? type = null;
            DateTimeOffset? timestamp = null;
            ReadOnlyMemory<byte> attributes = default;
            var (idMatch, typeMatch, timestampMatch, attributesMatch) = (Match.None, Match.None, Match.None, Match.None);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (Better(ref reader, "eventId"u8, "eventId", ref idMatch))
                {
                    reader.Read();
                    id = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var v)
                        ? v
                        : throw new JsonException($"History event #{n} has an eventId that is not a 64-bit integer.");
                }
                else if (Better(ref reader, "eventType"u8, "eventType", ref typeMatch))
                {
                    reader.Read();
                    type = reader.TokenType switch
                    {
                        JsonTokenType.String => KnownType(ref reader),
                        JsonTokenType.Null => "",
                        _ => throw new JsonException($"History event #{n} has an eventType that is not a string."),
                    };
                }
                else if (Better(ref reader, "timestamp"u8, "timestamp", ref timestampMatch))
                {
                    reader.Read();
                    timestamp = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var t)
                        ? t
                        : throw new JsonException($"History event #{n} has a timestamp that is not an ISO 8601 date and time.");
                }
                else if (Better(ref reader, "attributes"u8, "attributes", ref attributesMatch))
                {
                    reader.Read();
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    attributes = utf8Json[start..(int)reader.BytesConsumed];
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (id is null || type is null || timestamp is null)
            {
                throw new JsonException($"History event #{n} lacks eventId, eventType or timestamp.");
            }
            events.Add(new HistoryEvent(id.Value, type, timestamp.Value, attributes));
        }
        return events;
    }

    private static readonly (byte[] Utf8, string Name)[] KnownTypes = typeof(EventTypes).GetFields()
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => string.Intern((string)f.GetRawConstantValue()!)) // the very strings of the constants
        .Select(name => (System.Text.Encoding.UTF8.GetBytes(name), name))
        .ToArray();

    /// <summary>The event type, as the one string of <see cref="EventTypes"/> when it is one of them (no string per event).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a hot loop: compiled optimized at once (see ParseHistoryPage)
    private static string KnownType(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var value = reader.ValueSpan;
            foreach (var (utf8, name) in KnownTypes)
            {
                if (value.SequenceEqual(utf8))
                {
                    return name;
                }
            }
        }
        return reader.GetString() ?? "";
    }

    private enum Match
    {
        None,
        IgnoringCase,
        Exact,
    }

    /// <summary>
    /// Whether the property name at the reader is <paramref name="name"/> and takes the place of what was found before, as
    /// <c>JsonElement.TryGetProperty</c> with a case-insensitive fallback chose: an exact name wins (the last of several),
    /// else the first that matches ignoring case.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a hot loop: compiled optimized at once (see ParseHistoryPage)
    private static bool Better(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8Name, string name, ref Match found)
    {
        if (reader.ValueTextEquals(utf8Name))
        {
            found = Match.Exact;
            return true;
        }
        if (found != Match.None || reader.ValueSpan.Length != utf8Name.Length && !reader.ValueIsEscaped)
        {
            return false;
        }
        if (string.Equals(reader.GetString(), name, StringComparison.OrdinalIgnoreCase))
        {
            found = Match.IgnoringCase;
            return true;
        }
        return false;
    }
}
