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
public sealed record HistoryEvent(long EventId, string EventType, DateTimeOffset Timestamp, JsonElement Attributes);
