namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// A cached instance cannot apply the new events (its last task failed or timed out, or the events do not follow on):
/// discard it and activate a fresh instance with the history from event 1.
/// </summary>
internal sealed class StaleWorkflowInstanceException(string message) : InvalidOperationException(message);
