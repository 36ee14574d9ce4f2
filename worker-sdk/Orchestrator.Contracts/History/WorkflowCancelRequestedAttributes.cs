using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>WorkflowCancelRequested</c>. JSON: <c>{"reason"?}</c>.</summary>
/// <param name="Reason">Why, when the caller said.</param>
public sealed record WorkflowCancelRequestedAttributes(string? Reason = null);
