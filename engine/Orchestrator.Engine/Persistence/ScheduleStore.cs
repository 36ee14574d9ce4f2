using Dapper;
using Npgsql;

namespace Orchestrator.Engine.Persistence;

/// <summary>A row of <c>schedules</c>: the definition as JSON (the REST API's shapes) and the engines' cursor.</summary>
internal sealed class ScheduleRow
{
    public string ScheduleId { get; set; } = "";
    public string Spec { get; set; } = "{}";
    public string Action { get; set; } = "{}";
    public string Policy { get; set; } = "{}";
    public bool Paused { get; set; }
    public string? Note { get; set; }
    public long? RemainingActions { get; set; }
    public DateTime CursorAt { get; set; }
    public DateTime? NextFireAt { get; set; }
    public DateTime[] Buffered { get; set; } = [];
    public string Backfills { get; set; } = "[]";
    public long ActionCount { get; set; }
    public long MissedCatchupWindow { get; set; }
    public long OverlapSkipped { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>An action of a schedule as <c>schedule_actions</c> keeps it, with its run's status.</summary>
internal sealed record ScheduleActionRow(DateTime ScheduledAt, DateTime ActualAt, string WorkflowId, Guid? RunId, string? Status);

/// <summary>
/// Data access of schedules. Every change to a schedule happens under its row lock (<see cref="LockAsync"/>), in the
/// caller's transaction, so a fire, a trigger, a pause and an update of one schedule never interleave.
/// </summary>
internal sealed class ScheduleStore(NpgsqlDataSource dataSource)
{
    static ScheduleStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>Inserts a schedule; false when one with that id exists.</summary>
    public async Task<bool> InsertAsync(NpgsqlTransaction tx, ScheduleRow row, DateTime now) =>
        await tx.Connection!.ExecuteAsync(new CommandDefinition(ScheduleStatements.Insert, new
        {
            row.ScheduleId, row.Spec, row.Action, row.Policy, row.Paused, row.Note, row.RemainingActions, row.CursorAt, row.NextFireAt, Now = now,
        }, tx)) == 1;

    public async Task<ScheduleRow?> GetAsync(string scheduleId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<ScheduleRow>(new CommandDefinition(ScheduleStatements.Get, new { ScheduleId = scheduleId },
            cancellationToken: ct));
    }

    /// <summary>Locks the schedule (waits for another holder); null when it does not exist.</summary>
    public Task<ScheduleRow?> LockAsync(NpgsqlTransaction tx, string scheduleId) =>
        tx.Connection!.QuerySingleOrDefaultAsync<ScheduleRow>(new CommandDefinition(ScheduleStatements.Lock, new { ScheduleId = scheduleId }, tx));

    /// <summary>Locks the schedule unless another transaction holds it (then null: that engine is firing it).</summary>
    public Task<ScheduleRow?> LockIfFreeAsync(NpgsqlTransaction tx, string scheduleId) =>
        tx.Connection!.QuerySingleOrDefaultAsync<ScheduleRow>(new CommandDefinition(ScheduleStatements.LockIfFree, new { ScheduleId = scheduleId }, tx));

    public Task UpdateAsync(NpgsqlTransaction tx, ScheduleRow row, DateTime now) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(ScheduleStatements.Update, new
        {
            row.ScheduleId, row.Spec, row.Action, row.Policy, row.Paused, row.Note, row.RemainingActions, row.CursorAt, row.NextFireAt,
            row.Buffered, row.Backfills, row.ActionCount, row.MissedCatchupWindow, row.OverlapSkipped, Now = now,
        }, tx));

    public async Task<bool> DeleteAsync(string scheduleId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(ScheduleStatements.Delete, new { ScheduleId = scheduleId }) == 1;
    }

    public async Task<IReadOnlyList<ScheduleRow>> ListAsync(string? after, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ScheduleRow>(new CommandDefinition(ScheduleStatements.List, new { After = after, Limit = limit },
            cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<string>> DueAsync(DateTime now, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(ScheduleStatements.Due, new { Now = now, Limit = limit }, cancellationToken: ct))).ToList();
    }

    public async Task<DateTime?> NextFireAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<DateTime?>(new CommandDefinition(ScheduleStatements.NextFire, cancellationToken: ct));
    }

    /// <summary>Marks actions whose workflows closed done; returns the workflow ids among them that failed or timed out.</summary>
    public async Task<IReadOnlyList<string>> CloseFinishedActionsAsync(NpgsqlTransaction tx, string scheduleId) =>
        (await tx.Connection!.QueryAsync<string>(new CommandDefinition(ScheduleStatements.CloseFinishedActions, new { ScheduleId = scheduleId }, tx))).ToList();

    /// <summary>The workflows the schedule started that have an open run, oldest scheduled time first.</summary>
    public async Task<IReadOnlyList<(string WorkflowId, Guid RunId)>> RunningAsync(NpgsqlTransaction? tx, string scheduleId, CancellationToken ct = default)
    {
        if (tx is not null)
        {
            return (await tx.Connection!.QueryAsync<(string, Guid)>(new CommandDefinition(ScheduleStatements.Running, new { ScheduleId = scheduleId }, tx))).ToList();
        }
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<(string, Guid)>(new CommandDefinition(ScheduleStatements.Running, new { ScheduleId = scheduleId },
            cancellationToken: ct))).ToList();
    }

    public Task<bool> ActionExistsAsync(NpgsqlTransaction tx, string scheduleId, DateTime scheduledAt) =>
        tx.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(ScheduleStatements.ActionExists, new { ScheduleId = scheduleId, ScheduledAt = scheduledAt }, tx));

    public Task InsertActionAsync(NpgsqlTransaction tx, string scheduleId, DateTime scheduledAt, DateTime actualAt, string workflowId, Guid? runId,
        string kind, string firedBy) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(ScheduleStatements.InsertAction, new
        {
            ScheduleId = scheduleId, ScheduledAt = scheduledAt, ActualAt = actualAt, WorkflowId = workflowId, RunId = runId, Kind = kind, FiredBy = firedBy,
            Done = runId is null,
        }, tx));

    public async Task<IReadOnlyList<ScheduleActionRow>> RecentActionsAsync(string scheduleId, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ScheduleActionRow>(new CommandDefinition(ScheduleStatements.RecentActions,
            new { ScheduleId = scheduleId, Limit = limit }, cancellationToken: ct))).ToList();
    }
}
