using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>ChildWorkflowCompleted</c>. JSON: <c>{"seq","result"}</c>.</summary>
/// <param name="Seq">The child's sequence number in the parent.</param>
/// <param name="Result">The child's result (any JSON value, or null).</param>
public sealed record ChildWorkflowCompletedAttributes(int Seq, JsonElement? Result);
