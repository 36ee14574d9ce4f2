using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>WorkflowCompleted</c>, the event of a <see cref="CompleteWorkflowCommand"/>. JSON: <c>{"result"}</c>.</summary>
/// <param name="Result">The workflow result (any JSON value, or null).</param>
public sealed record WorkflowCompletedAttributes(JsonElement? Result);
