namespace Orchestrator.Contracts.Api;

/// <summary>The 201 answer of <c>POST /api/v1/workflows/{workflowId}/reset</c>: the new run.</summary>
/// <param name="WorkflowId">The workflow id.</param>
/// <param name="RunId">The new run's id (now the workflow's latest run).</param>
public sealed record ResetWorkflowResponse(string WorkflowId, string RunId);
