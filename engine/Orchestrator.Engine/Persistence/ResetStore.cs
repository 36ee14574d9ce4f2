using Dapper;
using Npgsql;

namespace Orchestrator.Engine.Persistence;

/// <summary>The reads and writes of a reset that the dispatch store has no statement for; all in the caller's transaction.</summary>
internal static class ResetStore
{
    /// <summary>Locks the workflow id's latest run; null when the id has no run.</summary>
    public static Task<WorkflowRunRecord?> LockLatestRunAsync(NpgsqlTransaction tx, string workflowId) =>
        tx.Connection!.QuerySingleOrDefaultAsync<WorkflowRunRecord?>(new CommandDefinition(ResetStatements.LockLatestRun, new { WorkflowId = workflowId }, tx));

    /// <summary>The run's events after <paramref name="afterEventId"/> (0: all), in order.</summary>
    public static async Task<IReadOnlyList<StoredEvent>> ReadHistoryAsync(NpgsqlTransaction tx, Guid runId, long afterEventId = 0)
    {
        var rows = await tx.Connection!.QueryAsync<StoredEventRow>(new CommandDefinition(ResetStatements.ReadHistory,
            new { RunId = runId, AfterEventId = afterEventId }, tx));
        return rows.Select(r => r.ToEvent()).ToList();
    }

    /// <summary>Links the old run and the new one (<c>reset_to_run_id</c>, <c>reset_from_run_id</c>).</summary>
    public static Task LinkAsync(NpgsqlTransaction tx, Guid oldRunId, Guid newRunId) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(ResetStatements.Link, new { OldRunId = oldRunId, NewRunId = newRunId }, tx));
}
