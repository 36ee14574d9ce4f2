namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>WorkflowCanceled</c>, the event of a <see cref="Commands.CancelWorkflowCommand"/>. JSON: <c>{}</c>.</summary>
public sealed record WorkflowCanceledAttributes;
