using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>
/// Attributes of <c>SearchAttributesUpserted</c>, the event of an <see cref="UpsertSearchAttributesCommand"/>.
/// JSON: <c>{"searchAttributes":{"Stage":"shipped","Obsolete":null}}</c> (null: removed).
/// </summary>
/// <param name="SearchAttributes">The attributes set (their values as the engine stores them) and removed (null).</param>
public sealed record SearchAttributesUpsertedAttributes(IReadOnlyDictionary<string, JsonElement?> SearchAttributes);
