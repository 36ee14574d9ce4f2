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
    /// <returns>The page. The events' attributes share one parsed document (no copy per event).</returns>
    /// <exception cref="JsonException">The JSON is not a history page.</exception>
    public static HistoryPage ParseHistoryPage(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var document = JsonDocument.Parse(json); // not disposed: the events' attributes point into it
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !TryGet(root, "events", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("The history JSON has no \"events\" array.");
        }
        var events = new List<HistoryEvent>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (!TryGet(item, "eventId", out var id) || !TryGet(item, "eventType", out var type) || !TryGet(item, "timestamp", out var timestamp))
            {
                throw new JsonException($"History event #{events.Count + 1} lacks eventId, eventType or timestamp.");
            }
            TryGet(item, "attributes", out var attributes);
            events.Add(new HistoryEvent(id.GetInt64(), type.GetString() ?? "", timestamp.GetDateTimeOffset(), attributes));
        }
        string? next = TryGet(root, "nextPageToken", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
        return new HistoryPage(events, next);
    }

    private static bool TryGet(JsonElement element, string camelCaseName, out JsonElement value)
    {
        if (element.TryGetProperty(camelCaseName, out value))
        {
            return true;
        }
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, camelCaseName, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        return false;
    }
}
