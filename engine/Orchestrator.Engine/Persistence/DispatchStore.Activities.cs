using Dapper;
using Npgsql;

namespace Orchestrator.Engine.Persistence;

/// <summary>What workers report of running activity attempts outside a decision (heartbeats, pick-ups), and the rows a cancel locks.</summary>
internal sealed partial class DispatchStore
{
    /// <summary>Records a heartbeat of an attempt that runs (or that the workflow asked to cancel).</summary>
    /// <param name="keepDetails">Keep the details recorded before (the new ones were refused).</param>
    /// <returns>The attempt's state (<see cref="TaskState.Dispatched"/> or <see cref="TaskState.Canceling"/>); null when it is not the running attempt.</returns>
    public async Task<string?> RecordHeartbeatAsync(Guid runId, long scheduledEventId, int attempt, string? details, DateTime now, bool keepDetails = false)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string?>(SqlStatements.RecordHeartbeat,
            new { RunId = runId, ScheduledEventId = scheduledEventId, Attempt = attempt, Details = details, Now = now, KeepDetails = keepDetails });
    }

    public async Task RecordPickUpAsync(Guid runId, long scheduledEventId, int attempt, DateTime now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(SqlStatements.RecordPickUp, new { RunId = runId, ScheduledEventId = scheduledEventId, Attempt = attempt, Now = now });
    }

    /// <summary>The status of the latest run of each workflow id that has one (for a child's id reuse policy).</summary>
    public async Task<IReadOnlyDictionary<string, string>> LatestRunStatusesAsync(NpgsqlTransaction tx, IReadOnlyCollection<string> workflowIds) =>
        (await tx.Connection!.QueryAsync<(string WorkflowId, string Status)>(new CommandDefinition(SqlStatements.LatestRunStatuses, new { WorkflowIds = workflowIds.ToArray() }, tx)))
            .ToDictionary(r => r.WorkflowId, r => r.Status, StringComparer.Ordinal);

    /// <summary>The open activities of the run with these seqs, locked (after the run, in the run's transaction).</summary>
    public async Task<IReadOnlyList<ActivityTaskRow>> LockActivitiesBySeqAsync(NpgsqlTransaction tx, Guid runId, int[] seqs) =>
        (await tx.Connection!.QueryAsync<ActivityTaskRow>(new CommandDefinition(SqlStatements.LockActivitiesBySeq, new { RunId = runId, Seqs = seqs }, tx))).ToList();
}
