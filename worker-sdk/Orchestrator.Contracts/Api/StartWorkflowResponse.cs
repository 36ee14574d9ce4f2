namespace Orchestrator.Contracts.Api;

/// <summary>The 201 answer of <c>POST /api/v1/workflows</c>.</summary>
/// <param name="WorkflowId">The workflow id (the one given, or the one the engine made up).</param>
/// <param name="RunId">The new run's id.</param>
public sealed record StartWorkflowResponse(string WorkflowId, string RunId);
