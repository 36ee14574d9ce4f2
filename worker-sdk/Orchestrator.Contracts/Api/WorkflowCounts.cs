namespace Orchestrator.Contracts.Api;

/// <summary>The body of <c>GET /api/v1/workflows/counts</c>.</summary>
/// <param name="Counts">Runs per status name (e.g. <c>"Running": 3</c>); statuses without runs are left out.</param>
public sealed record WorkflowCounts(IReadOnlyDictionary<string, long> Counts);
