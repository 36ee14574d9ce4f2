namespace Orchestrator.Contracts.Api;

/// <summary>
/// The body of <c>POST /api/v1/workflows/{workflowId}/reset</c>: a new run of the workflow whose history is run
/// <paramref name="RunId"/>'s copied up to a workflow task, then a fresh workflow task (docs/visibility.md "Reset").
/// Give <paramref name="EventId"/> or <paramref name="To"/>, not both.
/// </summary>
/// <param name="Reason">Why (required): the old run, when still open, is terminated with reason <c>reset: {reason}</c>.</param>
/// <param name="RunId">The run to reset (default: the workflow's latest run, open or closed).</param>
/// <param name="EventId">
/// The workflow task to go back to, named by any of its events: its <c>WorkflowTaskScheduled</c>, <c>WorkflowTaskStarted</c>,
/// <c>WorkflowTaskCompleted</c> or <c>WorkflowTaskFailed</c>. Everything before its <c>WorkflowTaskScheduled</c> is kept.
/// </param>
/// <param name="To">The workflow task to go back to, when no <paramref name="EventId"/> is given.</param>
public sealed record ResetWorkflowRequest(string Reason, string? RunId = null, long? EventId = null, ResetTo? To = null);
