namespace Orchestrator.Contracts.Api;

/// <summary>A registered search attribute: the body of <c>POST /api/v1/search-attributes</c> and one item of its list.</summary>
/// <param name="Name">The name: a letter, then letters, digits or '_', at most 64 characters; not a built-in field.</param>
/// <param name="Type">Its type; fixed once registered.</param>
public sealed record SearchAttributeDefinition(string Name, SearchAttributeType Type);
