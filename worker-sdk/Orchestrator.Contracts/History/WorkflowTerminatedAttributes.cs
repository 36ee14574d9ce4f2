using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>WorkflowTerminated</c> (no workflow code runs). JSON: <c>{"reason"?}</c>.</summary>
/// <param name="Reason">Why, when the caller said.</param>
public sealed record WorkflowTerminatedAttributes(string? Reason = null);
