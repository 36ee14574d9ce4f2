using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>WorkflowFailed</c>, the event of a <see cref="FailWorkflowCommand"/>. JSON: <c>{"failure"}</c>.</summary>
/// <param name="Failure">The exception the workflow threw.</param>
public sealed record WorkflowFailedAttributes(FailureInfo Failure);
