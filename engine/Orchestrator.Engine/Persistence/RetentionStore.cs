using System.Data;
using Dapper;
using Npgsql;

namespace Orchestrator.Engine.Persistence;

/// <summary>Where a sweep has got to in close order: the last run it deleted (it goes on after it).</summary>
internal readonly record struct RetentionCursor(DateTime ClosedAt, Guid RunId)
{
    /// <summary>Before every run (<c>-infinity</c>).</summary>
    public static readonly RetentionCursor Start = new(DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc), Guid.Empty);
}

/// <summary>Data access of retention: the sweep lock and the deletion of due runs (<see cref="RetentionStatements"/>).</summary>
internal sealed class RetentionStore(NpgsqlDataSource dataSource)
{
    /// <summary>Takes the sweep lock on a connection of its own; null when another engine holds it (it is sweeping).</summary>
    public async Task<RetentionSweepConnection?> TryLockSweepAsync(CancellationToken ct)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var locked = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(RetentionStatements.TryLockSweep,
                new { Key = RetentionStatements.SweepLockKey }, cancellationToken: ct));
            if (locked)
            {
                return new RetentionSweepConnection(connection);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }
}

/// <summary>
/// A sweep's connection, holding the sweep lock until disposed. Each batch is one transaction on it: a crash (or a kill)
/// before its commit leaves every run of the batch as it was, after it every run of the batch is gone with all its rows.
/// </summary>
internal sealed class RetentionSweepConnection(NpgsqlConnection connection) : IAsyncDisposable
{
    private sealed class BatchRow
    {
        public DateTime ClosedAt { get; set; }
        public Guid RunId { get; set; }
        public long Deleted { get; set; }
    }

    /// <summary>
    /// Deletes, in one transaction, up to <paramref name="limit"/> runs closed before <paramref name="before"/>, in close
    /// order after <paramref name="after"/> (<see cref="RetentionStatements.DeleteDueBatch"/>); how many, and the cursor
    /// after the last of them (<paramref name="after"/> when none).
    /// </summary>
    /// <exception cref="PostgresException">55P03 when a row lock was not granted within the batch's lock timeout (nothing deleted).</exception>
    public async Task<(int Deleted, RetentionCursor Next)> DeleteBatchAsync(DateTime before, int limit, RetentionCursor after, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var row = await connection.QuerySingleOrDefaultAsync<BatchRow>(new CommandDefinition(
            RetentionStatements.BatchSettings + ";\n" + RetentionStatements.DeleteDueBatch,
            new { Before = before, AfterClosedAt = after.ClosedAt, AfterRunId = after.RunId, Limit = limit }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return row is null ? (0, after) : ((int)row.Deleted, new RetentionCursor(row.ClosedAt, row.RunId));
    }

    /// <summary>Gives the sweep lock back and the connection to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (connection.State == ConnectionState.Open)
            {
                await connection.ExecuteAsync(new CommandDefinition(RetentionStatements.UnlockSweep, new { Key = RetentionStatements.SweepLockKey }));
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // the connection broke: its session, and the lock with it, ended on the server; Npgsql does not pool a broken connection
        }
        await connection.DisposeAsync();
    }
}
