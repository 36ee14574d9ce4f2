using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>
/// Records a marker. Becomes <c>MarkerRecorded</c> (<see cref="MarkerRecordedAttributes"/>). The SDK's
/// <c>Patched(patchId)</c> records marker <c>"patch"</c> with details <c>{"patchId": "..."}</c>.
/// </summary>
/// <param name="MarkerName">The marker's name, e.g. <c>"patch"</c>.</param>
/// <param name="Details">Marker data (any JSON value, or null).</param>
internal sealed record RecordMarkerCommand(string MarkerName, JsonElement? Details) : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.MarkerRecorded;
}
