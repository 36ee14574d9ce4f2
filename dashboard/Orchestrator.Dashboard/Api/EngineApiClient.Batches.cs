using System.Text.Json;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Dashboard.Api;

/// <summary>Batch operations (<c>/api/v1/batches</c>, docs/visibility.md "Batch operations") and the count of the open runs a batch would take.</summary>
internal sealed partial class EngineApiClient
{
    /// <summary>How many open runs <paramref name="query"/> matches now: <c>GET .../count</c> of its condition AND <c>ExecutionStatus = 'Running'</c>.</summary>
    public async Task<ApiResult<long>> CountOpenAsync(string query, CancellationToken cancellationToken = default)
    {
        var count = await GetAsync<WorkflowCount>("api/v1/workflows/count" + Query(("query", BatchQuery.Open(query))), cancellationToken).ConfigureAwait(false);
        return new(count.StatusCode, count.Value?.Count ?? 0, count.Error, count.Position);
    }

    /// <summary><c>POST /api/v1/batches</c>: 201 with the batch id and its total, or the problem (a bad query's with its <c>position</c>).</summary>
    public Task<ApiResult<StartBatchResponse>> StartBatchAsync(StartBatchRequest request, CancellationToken cancellationToken = default)
        => PostForAsync<StartBatchResponse>("api/v1/batches", JsonSerializer.Serialize(request, Json), cancellationToken);

    public Task<ApiResult<BatchDescription>> DescribeBatchAsync(string batchId, CancellationToken cancellationToken = default)
        => GetAsync<BatchDescription>(BatchPath(batchId), cancellationToken);

    /// <summary><c>POST /api/v1/batches/{batchId}/cancel</c>: the batch, Canceled; 409 when it completed.</summary>
    public Task<ApiResult<BatchDescription>> CancelBatchAsync(string batchId, CancellationToken cancellationToken = default)
        => PostForAsync<BatchDescription>(BatchPath(batchId) + "/cancel", null, cancellationToken);

    private static string BatchPath(string batchId) => "api/v1/batches/" + Uri.EscapeDataString(batchId);
}
