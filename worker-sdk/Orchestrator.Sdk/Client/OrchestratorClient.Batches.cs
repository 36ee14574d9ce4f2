using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Sdk;

public sealed partial class OrchestratorClient
{
    /// <summary>
    /// Starts a batch operation (<c>POST /api/v1/batches</c>): cancels, terminates or signals every open run matching
    /// <paramref name="query"/> (the list query language), at most <c>maxPerSecond</c> runs a second. The runs are fixed
    /// now (runs started later are not included); each is acted on once, also when an engine dies mid-batch.
    /// </summary>
    /// <param name="query">The list query, e.g. <c>WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Running'</c>.</param>
    /// <param name="operation">What to do to each run.</param>
    /// <param name="signalName">The signal's name (<see cref="BatchOperation.Signal"/> only, and required there).</param>
    /// <param name="input">The signal's payload, JSON-serialized (<see cref="BatchOperation.Signal"/> only).</param>
    /// <param name="reason">Recorded in each run's history (<see cref="BatchOperation.Cancel"/> and <see cref="BatchOperation.Terminate"/>; default <c>batch {batchId}</c>).</param>
    /// <param name="maxPerSecond">At most this many runs a second (null: the engine's default, 50; at most 1000).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The batch id and how many runs it targets.</returns>
    /// <exception cref="OrchestratorApiException">400 for a bad query (with its position) or a bad combination of arguments.</exception>
    public async Task<StartBatchResponse> StartBatchAsync(string query, BatchOperation operation, string? signalName = null, object? input = null,
        string? reason = null, int? maxPerSecond = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        var body = new StartBatchRequest(query, operation, signalName, ToJson(input), reason, maxPerSecond);
        using var response = await SendAsync(HttpMethod.Post, "api/v1/batches", JsonContent.Create(body, options: ProtocolJson), cancellationToken).ConfigureAwait(false);
        return await ReadAsync<StartBatchResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A batch operation and its progress (<c>GET /api/v1/batches/{batchId}</c>): state, total, done, failed and the first failures.</summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The batch.</returns>
    /// <exception cref="OrchestratorApiException">404 when there is no such batch.</exception>
    public async Task<BatchDescription> DescribeBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, BatchPath(batchId), null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<BatchDescription>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels a batch operation (<c>POST /api/v1/batches/{batchId}/cancel</c>): no run is acted on after this returns;
    /// the runs not reached yet are left as they are.
    /// </summary>
    /// <param name="batchId">The batch id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The batch, canceled.</returns>
    /// <exception cref="OrchestratorApiException">404 when there is no such batch, 409 when it completed.</exception>
    public async Task<BatchDescription> CancelBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Post, BatchPath(batchId) + "/cancel", null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<BatchDescription>(response, cancellationToken).ConfigureAwait(false);
    }

    private static string BatchPath(string batchId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(batchId);
        return "api/v1/batches/" + Uri.EscapeDataString(batchId);
    }
}
