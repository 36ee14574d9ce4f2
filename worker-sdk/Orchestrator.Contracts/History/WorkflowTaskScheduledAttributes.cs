using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>WorkflowTaskScheduled</c>: a workflow task is due; its timestamp is the workflow's <c>UtcNow</c> while the task runs. JSON: <c>{"attempt"}</c>.</summary>
/// <param name="Attempt">1 for the first try, incremented when a task failed or timed out and is scheduled again.</param>
public sealed record WorkflowTaskScheduledAttributes(int Attempt);
