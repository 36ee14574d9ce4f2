namespace Orchestrator.Contracts.Api;

/// <summary>The body of <c>GET /api/v1/workflows</c>: one page of runs, newest first.</summary>
/// <param name="Workflows">The runs of this page.</param>
/// <param name="NextPageToken">The token of the next page (<c>pageToken</c>); null on the last.</param>
public sealed record WorkflowListPage(IReadOnlyList<WorkflowDescription> Workflows, string? NextPageToken = null);
