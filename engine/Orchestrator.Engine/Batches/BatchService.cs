using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Visibility;
using Orchestrator.Engine.Visibility.Query;

namespace Orchestrator.Engine.Batches;

/// <summary>What the batch API does: create a batch (its targets fixed at once), describe it, cancel it.</summary>
internal sealed class BatchService(BatchStore store, BatchRunner runner, BatchSettings settings, EngineSettings engine, SearchAttributeRefresher searchAttributes,
    ILogger<BatchService> logger)
{
    /// <summary>Most failures a describe lists (all are counted).</summary>
    public const int MaxFailuresListed = 100;

    /// <summary>
    /// Creates a batch of the open runs matching the request's query now, in one transaction, and wakes this engine's
    /// runner. The reason defaults to <c>batch {batchId}</c> (recorded in each run's history).
    /// </summary>
    /// <exception cref="QueryException">the query does not parse or compile (with its position).</exception>
    /// <exception cref="BatchTooLargeException">it matches more open runs than <see cref="BatchSettings.MaxRuns"/>.</exception>
    public async Task<(Guid BatchId, long Total)> CreateAsync(BatchRequest request, CancellationToken ct)
    {
        var query = QueryParser.Parse(request.Query);
        var batchId = Guid.CreateVersion7();
        var batch = new BatchRecord
        {
            BatchId = batchId, Operation = request.Operation, Query = request.Query, SignalName = request.SignalName, Input = request.Input?.GetRawText(),
            Reason = request.Operation == BatchRequest.Signal ? null : request.Reason ?? $"batch {batchId}",
            MaxPerSecond = request.MaxPerSecond ?? settings.DefaultMaxPerSecond, CreatedAt = engine.UtcNow(),
        };
        var total = await store.CreateAsync(batch, query, searchAttributes.Catalog.Current, settings.MaxRuns, ct);
        Log.BatchCreated(logger, batchId, batch.Operation, total, batch.Query, batch.MaxPerSecond);
        if (total > 0)
        {
            runner.Wake();
        }
        return (batchId, total);
    }

    /// <summary>The batch and its progress; null when there is no such batch.</summary>
    public async Task<BatchDescription?> DescribeAsync(Guid batchId, CancellationToken ct) =>
        await store.ReadAsync(batchId, MaxFailuresListed, ct) is { } read ? Describe(read.Batch, read.Failures) : null;

    /// <summary>Cancels a running batch: no run is acted on after this returns. Returns the batch as it is then (null: no such batch).</summary>
    public async Task<BatchDescription?> CancelAsync(Guid batchId, CancellationToken ct)
    {
        if (await store.CancelAsync(batchId, engine.UtcNow(), ct))
        {
            Log.BatchCanceled(logger, batchId);
        }
        return await DescribeAsync(batchId, ct);
    }

    private static BatchDescription Describe(BatchRecord b, IReadOnlyList<BatchFailureRecord> failures) => new(
        b.BatchId.ToString(), Enum.Parse<BatchState>(b.State), b.Total, b.Done, b.Failed,
        failures.Select(f => new BatchFailure(f.WorkflowId, f.Detail ?? "", f.RunId.ToString())).ToList(),
        Enum.Parse<BatchOperation>(b.Operation, ignoreCase: true), b.Query, b.SignalName, b.Reason, b.MaxPerSecond, Utc(b.CreatedAt)!.Value, Utc(b.ClosedAt));

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
