namespace Orchestrator.Sdk.Runtime;

/// <summary>An update failed its validation (<see cref="WorkflowInstance.ValidateUpdate"/>): the message says why, and nothing is recorded.</summary>
internal sealed class UpdateRejectedException(string message, Exception? inner = null) : Exception(message, inner);
