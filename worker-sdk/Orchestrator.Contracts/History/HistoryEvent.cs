using System.Text.Json;

namespace Orchestrator.Contracts.History;

/// <summary>
/// One recorded step of a workflow run, exactly as the REST API returns it
/// (<c>GET /api/v1/workflows/{id}/history</c>) and as the replay runtime reads it.
/// </summary>
/// <param name="EventId">Position in the run's history: starts at 1, no gaps.</param>
/// <param name="EventType">One of <see cref="EventTypes"/>.</param>
/// <param name="Timestamp">When the engine recorded the event (UTC).</param>
/// <param name="Attributes">The event's attributes, a JSON object whose shape depends on <paramref name="EventType"/>.</param>
public sealed record HistoryEvent(long EventId, string EventType, DateTimeOffset Timestamp, JsonElement Attributes)
{
    private JsonElement _attributes = Attributes;

    // Set by HistoryJson.ParseHistoryPage: the attributes' UTF-8 JSON text, parsed into _parsed on first read of Attributes
    // (most events of a replay are never asked for their attributes). Never changed after construction but by `with`.
    private ReadOnlyMemory<byte> _raw;
    private JsonDocument? _parsed;

    /// <summary>An event whose attributes stay unparsed UTF-8 JSON until <see cref="Attributes"/> is first read.</summary>
    /// <param name="eventId">The event id.</param>
    /// <param name="eventType">The event type.</param>
    /// <param name="timestamp">When it was recorded.</param>
    /// <param name="rawAttributes">One complete, already validated JSON value (the reader that found it checked its syntax).</param>
    internal HistoryEvent(long eventId, string eventType, DateTimeOffset timestamp, ReadOnlyMemory<byte> rawAttributes)
        : this(eventId, eventType, timestamp, default(JsonElement))
    {
        _raw = rawAttributes;
    }

    /// <summary>The event's attributes, a JSON object whose shape depends on <see cref="EventType"/>.</summary>
    public JsonElement Attributes
    {
        get
        {
            if (_raw.IsEmpty)
            {
                return _attributes;
            }
            var parsed = Volatile.Read(ref _parsed);
            if (parsed is null)
            {
                // two threads may both parse; either document is a correct answer and the first one stored wins
                parsed = JsonDocument.Parse(_raw);
                parsed = Interlocked.CompareExchange(ref _parsed, parsed, null) ?? parsed;
            }
            return parsed.RootElement;
        }
        init
        {
            _attributes = value;
            _raw = default;
            _parsed = null;
        }
    }

    /// <summary>The attributes' JSON text as UTF-8 while they have not been parsed (empty otherwise): read it with a <see cref="Utf8JsonReader"/> instead of materialising a document.</summary>
    internal ReadOnlyMemory<byte> RawAttributes => Volatile.Read(ref _parsed) is null ? _raw : default;

    /// <inheritdoc />
    public bool Equals(HistoryEvent? other) =>
        other is not null && EventId == other.EventId && EventType == other.EventType && Timestamp == other.Timestamp
        && EqualityComparer<JsonElement>.Default.Equals(Attributes, other.Attributes);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(EventId, EventType, Timestamp);
}
