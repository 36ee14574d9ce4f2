using Dapper;
using Npgsql;

namespace Orchestrator.Engine.Persistence;

/// <summary>A row of <c>workflow_updates</c>: an update a run accepted, and its outcome once its handler finished.</summary>
internal sealed class WorkflowUpdateRow
{
    public string WorkflowId { get; set; } = "";
    public string UpdateId { get; set; } = "";
    public Guid RunId { get; set; }
    public string UpdateName { get; set; } = "";
    /// <summary><c>Accepted</c>, <c>Completed</c> or <c>Failed</c>.</summary>
    public string Status { get; set; } = "";
    public string? Result { get; set; }
    public string? Failure { get; set; }
    public DateTime AcceptedAt { get; set; }
    public DateTime? CompletedAt { get; set; }
}

/// <summary>
/// Data access of updates. A row is inserted in the transaction that records the update's <c>WorkflowUpdateAccepted</c>
/// (under the run's lock) and gets its outcome in the one that records <c>WorkflowUpdateCompleted</c>
/// (<see cref="UpdateStatements.Complete"/>) or closes the run (<see cref="UpdateStatements.FailUnfinished"/>).
/// </summary>
internal sealed class UpdateStore(NpgsqlDataSource dataSource)
{
    static UpdateStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>Inserts an accepted update of <paramref name="runId"/>; false when the workflow id already has an update of that id.</summary>
    public async Task<bool> InsertAsync(NpgsqlTransaction tx, string workflowId, string updateId, Guid runId, string updateName, DateTime now) =>
        await tx.Connection!.ExecuteAsync(new CommandDefinition(UpdateStatements.Insert,
            new { WorkflowId = workflowId, UpdateId = updateId, RunId = runId, UpdateName = updateName, Now = now }, tx)) == 1;

    public async Task<WorkflowUpdateRow?> GetAsync(string workflowId, string updateId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<WorkflowUpdateRow>(new CommandDefinition(UpdateStatements.Get,
            new { WorkflowId = workflowId, UpdateId = updateId }, cancellationToken: ct));
    }
}
