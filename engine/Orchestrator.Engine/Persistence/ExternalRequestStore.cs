using Dapper;
using Npgsql;

namespace Orchestrator.Engine.Persistence;

/// <summary>A row of <c>external_requests</c>: a run's signal or cancel request to another workflow, not yet delivered.</summary>
internal sealed class ExternalRequestRecord
{
    public Guid RunId { get; set; }
    public int Seq { get; set; }
    /// <summary><c>Signal</c> or <c>Cancel</c>.</summary>
    public string Kind { get; set; } = "";
    public string TargetWorkflowId { get; set; } = "";
    public string? SignalName { get; set; }
    public string? Input { get; set; }
    public string? Reason { get; set; }
    public int Attempts { get; set; }
}

/// <summary>
/// Data access of requests to other workflows. Rows are inserted with the requesting run's other writes
/// (<see cref="ExternalRequestStatements.Insert"/>, by <see cref="DispatchStore"/>); these read, lock and delete them.
/// </summary>
internal sealed class ExternalRequestStore(NpgsqlDataSource dataSource)
{
    /// <summary>The request, locked; null when it was delivered, or another engine is delivering it.</summary>
    public Task<ExternalRequestRecord?> TakeAsync(NpgsqlTransaction tx, Guid runId, int seq) =>
        tx.Connection!.QuerySingleOrDefaultAsync<ExternalRequestRecord>(new CommandDefinition(ExternalRequestStatements.Take, new { RunId = runId, Seq = seq }, tx));

    /// <summary>The open run of <paramref name="workflowId"/> (unlocked), if it has one.</summary>
    public Task<Guid?> OpenRunOfAsync(NpgsqlTransaction tx, string workflowId) =>
        tx.Connection!.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(ExternalRequestStatements.OpenRunOf, new { WorkflowId = workflowId }, tx));

    /// <summary>Locks the runs, in run id order.</summary>
    public Task LockRunsAsync(NpgsqlTransaction tx, IReadOnlyCollection<Guid> runIds) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(ExternalRequestStatements.LockRuns, new { RunIds = runIds.ToArray() }, tx));

    public Task DeleteAsync(NpgsqlTransaction tx, Guid runId, int seq) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(ExternalRequestStatements.Delete, new { RunId = runId, Seq = seq }, tx));

    /// <summary>The requests due by <paramref name="now"/>, at most <paramref name="limit"/>, oldest first.</summary>
    public async Task<IReadOnlyList<(Guid RunId, int Seq, int Attempts)>> DueAsync(DateTime now, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(Guid, int, int)>(new CommandDefinition(ExternalRequestStatements.Due, new { Now = now, Limit = limit }, cancellationToken: ct));
        return rows.ToList();
    }

    /// <summary>A delivery failed: the next attempt is due at <paramref name="dueAt"/>.</summary>
    public async Task PostponeAsync(Guid runId, int seq, DateTime dueAt, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(ExternalRequestStatements.Postpone, new { RunId = runId, Seq = seq, DueAt = dueAt }, cancellationToken: ct));
    }
}
