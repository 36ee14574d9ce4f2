using System.Collections.Frozen;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Engine.Visibility;

/// <summary>
/// The registered search attributes as this engine knows them: an immutable map replaced whole when the registry changes
/// (here, or on another engine: <see cref="SearchAttributeRefresher"/> reads it every few seconds). Decisions take the map of
/// the moment (<see cref="Decider.DecisionContext"/>), so the decider stays pure.
/// </summary>
internal sealed class SearchAttributeCatalog
{
    private volatile FrozenDictionary<string, SearchAttributeType> _current = FrozenDictionary<string, SearchAttributeType>.Empty;

    public IReadOnlyDictionary<string, SearchAttributeType> Current => _current;

    public void Replace(IEnumerable<KeyValuePair<string, SearchAttributeType>> attributes) =>
        _current = attributes.ToFrozenDictionary(StringComparer.Ordinal);
}
