using System.Data;
using Dapper;
using Npgsql;

namespace Orchestrator.Engine.Persistence;

/// <summary>
/// The history store: workflow runs and their append-only, gap-free event histories in PostgreSQL.
/// Methods that write take the caller's transaction so a state change and its events commit together.
/// </summary>
internal sealed class HistoryStore(NpgsqlDataSource dataSource)
{
    private const string UniqueViolation = "23505";

    static HistoryStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>Creates a run and appends its first events (ids 1..n).</summary>
    /// <exception cref="WorkflowAlreadyRunningException">a run with that workflow id is still open.</exception>
    public async Task CreateRunAsync(NpgsqlTransaction tx, WorkflowRunRecord run, IReadOnlyList<NewEvent> firstEvents, CancellationToken ct = default)
    {
        try
        {
            await tx.Connection!.ExecuteAsync(new CommandDefinition(SqlStatements.InsertRun, new
            {
                run.RunId, run.WorkflowId, run.WorkflowType, run.TaskQueue, run.Status, run.Input,
                run.StartedAt, run.PreviousRunId, run.ParentWorkflowId, run.ParentRunId, run.TraceParent,
                run.ParentSeq, run.ParentClosePolicy, run.RunTimeout, run.RetryPolicy, run.Attempt, run.SearchAttributes, run.ExecutionDeadline,
            }, tx, cancellationToken: ct));
        }
        catch (PostgresException e) when (e.SqlState == UniqueViolation && e.ConstraintName == "workflow_runs_open_id")
        {
            throw new WorkflowAlreadyRunningException(run.WorkflowId);
        }
        if (firstEvents.Count > 0)
        {
            await AppendAsync(tx, run.RunId, expectedNextEventId: 1, firstEvents, ct);
        }
    }

    /// <summary>
    /// Appends events to a run whose next event id is <paramref name="expectedNextEventId"/>; returns the new next id.
    /// </summary>
    /// <exception cref="ConcurrencyConflictException">the run moved on; nothing was written.</exception>
    public async Task<long> AppendAsync(NpgsqlTransaction tx, Guid runId, long expectedNextEventId, IReadOnlyList<NewEvent> events, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedNextEventId, 1);
        if (events.Count == 0)
        {
            return expectedNextEventId;
        }

        var types = new string[events.Count];
        var timestamps = new DateTimeOffset[events.Count];
        var attributes = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            types[i] = events[i].EventType;
            timestamps[i] = events[i].Timestamp.ToUniversalTime();
            attributes[i] = events[i].AttributesJson;
        }

        var inserted = await tx.Connection!.ExecuteScalarAsync<long>(new CommandDefinition(SqlStatements.AppendEvents, new
        {
            RunId = runId, Expected = expectedNextEventId, Types = types, Timestamps = timestamps, Attributes = attributes,
        }, tx, cancellationToken: ct));
        if (inserted != events.Count)
        {
            throw new ConcurrencyConflictException(runId, expectedNextEventId);
        }
        return expectedNextEventId + events.Count;
    }

    /// <summary>One page of a run's history: events with id greater than <paramref name="afterEventId"/>, in order.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadHistoryAsync(Guid runId, long afterEventId, int pageSize, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<StoredEventRow>(new CommandDefinition(
            SqlStatements.ReadHistoryPage, new { RunId = runId, AfterEventId = afterEventId, PageSize = pageSize }, cancellationToken: ct));
        return rows.Select(r => r.ToEvent()).ToList();
    }

    public async Task<WorkflowRunRecord?> GetRunAsync(Guid runId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<WorkflowRunRecord>(new CommandDefinition(
            SqlStatements.GetRun, new { RunId = runId }, cancellationToken: ct));
    }

    public async Task<WorkflowRunRecord?> GetLatestRunAsync(string workflowId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<WorkflowRunRecord>(new CommandDefinition(
            SqlStatements.GetLatestRun, new { WorkflowId = workflowId }, cancellationToken: ct));
    }

    /// <summary>Opens a connection and a read-committed transaction.</summary>
    public async Task<(NpgsqlConnection Connection, NpgsqlTransaction Transaction)> BeginAsync(CancellationToken ct = default)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
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

/// <summary>A run with this workflow id is still open.</summary>
internal sealed class WorkflowAlreadyRunningException(string workflowId)
    : Exception($"A run of workflow '{workflowId}' is still open.")
{
    public string WorkflowId { get; } = workflowId;
}
