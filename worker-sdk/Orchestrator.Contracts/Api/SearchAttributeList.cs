namespace Orchestrator.Contracts.Api;

/// <summary>The body of <c>GET /api/v1/search-attributes</c>: every registered search attribute, by name.</summary>
/// <param name="SearchAttributes">The attributes.</param>
public sealed record SearchAttributeList(IReadOnlyList<SearchAttributeDefinition> SearchAttributes);
