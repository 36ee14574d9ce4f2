using System.Text.Json.Serialization;

namespace Orchestrator.Contracts.Api;

/// <summary>
/// The body of <c>GET /api/v1/workflows/count?query=&amp;groupBy=</c>: <c>{"count"}</c> without <c>groupBy</c>, else
/// <c>{"groups":[{"value","count"}]}</c> (largest first).
/// </summary>
/// <param name="Count">How many runs match (without <c>groupBy</c>).</param>
/// <param name="Groups">The runs that match per value of the <c>groupBy</c> field.</param>
public sealed record WorkflowCount(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Count = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<WorkflowCountGroup>? Groups = null);

/// <summary>One group of a <see cref="WorkflowCount"/>.</summary>
/// <param name="Value">The field's value (null: runs without one).</param>
/// <param name="Count">How many runs match with it.</param>
public sealed record WorkflowCountGroup(string? Value, long Count);
