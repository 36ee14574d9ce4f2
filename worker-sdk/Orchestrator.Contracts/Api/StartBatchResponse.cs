namespace Orchestrator.Contracts.Api;

/// <summary>The answer of <c>POST /api/v1/batches</c>.</summary>
/// <param name="BatchId">The batch id (for <c>GET /api/v1/batches/{batchId}</c>).</param>
/// <param name="Total">How many open runs matched the query and are the batch's targets.</param>
public sealed record StartBatchResponse(string BatchId, long Total);
