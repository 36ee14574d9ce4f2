using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>
/// Sets or removes search attributes of the run (a null value removes one). Becomes <c>SearchAttributesUpserted</c>
/// (<see cref="SearchAttributesUpsertedAttributes"/>); the engine applies it to the run's visibility row in the same transaction.
/// </summary>
/// <param name="SearchAttributes">Attribute name to value (JSON string, number, boolean, array of strings), or null to remove it.</param>
internal sealed record UpsertSearchAttributesCommand(IReadOnlyDictionary<string, JsonElement?> SearchAttributes) : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.SearchAttributesUpserted;
}
