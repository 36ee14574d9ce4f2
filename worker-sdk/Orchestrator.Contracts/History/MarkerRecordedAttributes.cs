using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>MarkerRecorded</c>, the event of a <see cref="RecordMarkerCommand"/>. JSON: <c>{"markerName","details"}</c>; a patch marker is <c>{"markerName":"patch","details":{"patchId":"..."}}</c>.</summary>
/// <param name="MarkerName">The marker name.</param>
/// <param name="Details">Marker data.</param>
public sealed record MarkerRecordedAttributes(string MarkerName, JsonElement? Details);
