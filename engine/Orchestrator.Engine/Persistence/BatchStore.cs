using System.Data;
using Dapper;
using Npgsql;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Visibility.Query;

namespace Orchestrator.Engine.Persistence;

/// <summary>A row of <c>batches</c>.</summary>
internal sealed class BatchRecord
{
    public Guid BatchId { get; set; }
    /// <summary><c>cancel</c>, <c>terminate</c> or <c>signal</c>.</summary>
    public string Operation { get; set; } = "";
    public string Query { get; set; } = "";
    public string? SignalName { get; set; }
    /// <summary>The signal's input as JSON text, if any.</summary>
    public string? Input { get; set; }
    public string? Reason { get; set; }
    public int MaxPerSecond { get; set; }
    /// <summary><c>Running</c>, <c>Completed</c> or <c>Canceled</c>.</summary>
    public string State { get; set; } = "";
    public long Total { get; set; }
    public long Done { get; set; }
    public long Failed { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ClosedAt { get; set; }
    public string? LeaseOwner { get; set; }
}

/// <summary>A target of a batch, taken for its action.</summary>
internal sealed record BatchItemRecord(long Seq, Guid RunId, string WorkflowId);

/// <summary>A failed target of a batch.</summary>
internal sealed record BatchFailureRecord(string WorkflowId, Guid RunId, string? Detail);

/// <summary>What <see cref="BatchStore.RecordItemAsync"/> found on the batch after counting the item.</summary>
internal sealed record BatchCount(string State, string? LeaseOwner, long Done, long Failed);

/// <summary>The query matches more open runs than a batch may hold; nothing was created.</summary>
internal sealed class BatchTooLargeException(long limit) : Exception($"The query matches more than {limit} open runs.")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// Data access of batch operations (<see cref="BatchStatements"/>). A batch and its targets are created in one
/// transaction; items are taken, acted on and recorded in the caller's transaction (<see cref="Batches.BatchExecutor"/>).
/// </summary>
internal sealed class BatchStore(NpgsqlDataSource dataSource)
{
    /// <summary>Longest the creating transaction (the query and the copy of its targets) may run.</summary>
    public const int CreateTimeoutSeconds = 120;

    /// <summary>
    /// Creates a batch and fixes its targets: the open runs matching <paramref name="query"/> now, in its order. Returns
    /// how many; none is Completed at once.
    /// </summary>
    /// <exception cref="QueryException">a field or value of the query that does not fit.</exception>
    /// <exception cref="BatchTooLargeException">more than <paramref name="maxRuns"/> open runs match (nothing is created).</exception>
    public async Task<long> CreateAsync(BatchRecord batch, ParsedQuery query, IReadOnlyDictionary<string, SearchAttributeType> attributes, long maxRuns,
        CancellationToken ct)
    {
        var compiler = new QuerySqlCompiler(attributes);
        var where = compiler.Where(query.Where);
        var order = compiler.Order(query.Order).OrderBySql;
        var parameters = compiler.Parameters;
        parameters.AddDynamicParams(new
        {
            batch.BatchId, batch.Operation, batch.Query, batch.SignalName, batch.Input, batch.Reason, batch.MaxPerSecond, Now = batch.CreatedAt,
            Limit = maxRuns + 1,
        });
        var snapshot = BatchStatements.SnapshotTargetsTemplate.Replace("{where}", where, StringComparison.Ordinal).Replace("{order}", order, StringComparison.Ordinal);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        await connection.ExecuteAsync(new CommandDefinition(BatchStatements.InsertBatch, parameters, tx, cancellationToken: ct));
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(snapshot, parameters, tx, commandTimeout: CreateTimeoutSeconds, cancellationToken: ct));
        if (total > maxRuns)
        {
            throw new BatchTooLargeException(maxRuns); // the transaction rolls back with the dispose
        }
        await tx.CommitAsync(ct);
        return total;
    }

    /// <summary>The batch and its first <paramref name="failures"/> failures; null when there is no such batch.</summary>
    public async Task<(BatchRecord Batch, IReadOnlyList<BatchFailureRecord> Failures)?> ReadAsync(Guid batchId, int failures, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var batch = await connection.QuerySingleOrDefaultAsync<BatchRecord>(new CommandDefinition(BatchStatements.Read, new { BatchId = batchId }, cancellationToken: ct));
        if (batch is null)
        {
            return null;
        }
        var failed = batch.Failed == 0 ? [] : (await connection.QueryAsync<BatchFailureRecord>(new CommandDefinition(BatchStatements.Failures,
            new { BatchId = batchId, Limit = failures }, cancellationToken: ct))).ToList();
        return (batch, failed);
    }

    /// <summary>Cancels the batch; false when it is not running (closed, or no such batch).</summary>
    public async Task<bool> CancelAsync(Guid batchId, DateTime now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(BatchStatements.Cancel, new { BatchId = batchId, Now = now }, cancellationToken: ct)) == 1;
    }

    /// <summary>Leases up to <paramref name="limit"/> running batches to <paramref name="owner"/> until <paramref name="until"/>.</summary>
    public async Task<IReadOnlyList<BatchRecord>> ClaimAsync(string owner, DateTime now, DateTime until, IReadOnlyCollection<Guid> working, int limit,
        CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<BatchRecord>(new CommandDefinition(BatchStatements.Claim,
            new { Owner = owner, Now = now, Until = until, Working = working.ToArray(), Limit = limit }, cancellationToken: ct))).ToList();
    }

    /// <summary>Up to <paramref name="limit"/> pending items, in the batch's order, locked in <paramref name="tx"/>; none when none is free.</summary>
    public async Task<IReadOnlyList<BatchItemRecord>> TakeItemsAsync(NpgsqlTransaction tx, Guid batchId, int limit) =>
        (await tx.Connection!.QueryAsync<BatchItemRecord>(new CommandDefinition(BatchStatements.TakeItems, new { BatchId = batchId, Limit = limit }, tx))).ToList();

    /// <summary>Marks the items (a null failure: done) and counts them on their batch; null when the batch is no longer running or an item was not pending (the caller rolls back).</summary>
    public Task<BatchCount?> RecordItemsAsync(NpgsqlTransaction tx, Guid batchId, IReadOnlyList<(long Seq, string? Failure)> items, DateTime now, string owner,
        DateTime until) =>
        tx.Connection!.QuerySingleOrDefaultAsync<BatchCount>(new CommandDefinition(BatchStatements.RecordItems, new
        {
            BatchId = batchId, Now = now, Owner = owner, Until = until, Count = items.Count,
            Seqs = items.Select(i => i.Seq).ToArray(),
            States = items.Select(i => i.Failure is null ? "Done" : "Failed").ToArray(),
            Details = items.Select(i => i.Failure).ToArray(),
        }, tx));

    public async Task CompleteIfDoneAsync(Guid batchId, DateTime now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(BatchStatements.CompleteIfDone, new { BatchId = batchId, Now = now }, cancellationToken: ct));
    }

    /// <summary>Renews the lease; false when this engine no longer holds it or the batch closed.</summary>
    public async Task<bool> RenewAsync(Guid batchId, string owner, DateTime until, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int?>(new CommandDefinition(BatchStatements.Renew, new { BatchId = batchId, Owner = owner, Until = until },
            cancellationToken: ct)) is not null;
    }

    public async Task ReleaseAsync(IReadOnlyCollection<Guid> batchIds, string owner, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(BatchStatements.Release, new { BatchIds = batchIds.ToArray(), Owner = owner }, cancellationToken: ct));
    }

    public Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> BeginAsync(CancellationToken ct) => BeginOnAsync(dataSource, ct);

    private static async Task<(NpgsqlConnection, NpgsqlTransaction)> BeginOnAsync(NpgsqlDataSource source, CancellationToken ct)
    {
        var connection = await source.OpenConnectionAsync(ct);
        try
        {
            return (connection, await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct));
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
