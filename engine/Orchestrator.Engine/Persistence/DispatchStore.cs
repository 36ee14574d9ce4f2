using Dapper;
using Npgsql;

namespace Orchestrator.Engine.Persistence;

/// <summary>
/// Data access of the dispatcher: locks on runs, workflow and activity task rows, buffered events, timers and
/// the outbox. Every writing method runs in the caller's transaction.
/// </summary>
internal sealed class DispatchStore(NpgsqlDataSource dataSource)
{
    static DispatchStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    private static Task<T?> One<T>(NpgsqlTransaction tx, string sql, object args) =>
        tx.Connection!.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, args, tx));

    private static Task<int> Exec(NpgsqlTransaction tx, string sql, object args) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(sql, args, tx));

    public Task<WorkflowRunRecord?> LockRunAsync(NpgsqlTransaction tx, Guid runId) => One<WorkflowRunRecord>(tx, SqlStatements.LockRun, new { RunId = runId });

    public Task<WorkflowRunRecord?> LockOpenRunAsync(NpgsqlTransaction tx, string workflowId) =>
        One<WorkflowRunRecord>(tx, SqlStatements.LockOpenRun, new { WorkflowId = workflowId });

    public Task CloseRunAsync(NpgsqlTransaction tx, Guid runId, string status, string? result, string? failure, DateTime closedAt, Guid? nextRunId) =>
        Exec(tx, SqlStatements.CloseRun, new { RunId = runId, Status = status, Result = result, Failure = failure, ClosedAt = closedAt, NextRunId = nextRunId });

    public Task SetCancelRequestedAsync(NpgsqlTransaction tx, Guid runId) => Exec(tx, SqlStatements.SetCancelRequested, new { RunId = runId });

    public Task DeleteRunWorkAsync(NpgsqlTransaction tx, Guid runId) => Exec(tx, SqlStatements.DeleteRunWork, new { RunId = runId });

    public async Task<IReadOnlyList<StoredEvent>> ReadEventsAsync(NpgsqlTransaction tx, Guid runId, long from, long until)
    {
        var rows = await tx.Connection!.QueryAsync<(long EventId, string EventType, DateTime Timestamp, string AttributesJson)>(
            new CommandDefinition(SqlStatements.ReadEventsRange, new { RunId = runId, From = from, Until = until }, tx));
        return rows.Select(r => new StoredEvent(r.EventId, r.EventType, new DateTimeOffset(r.Timestamp, TimeSpan.Zero), r.AttributesJson)).ToList();
    }

    public Task<WorkflowTaskRow?> LockWorkflowTaskAsync(NpgsqlTransaction tx, Guid runId) => One<WorkflowTaskRow>(tx, SqlStatements.LockWorkflowTask, new { RunId = runId });

    public Task UpsertWorkflowTaskAsync(NpgsqlTransaction tx, WorkflowTaskRow row) => Exec(tx, SqlStatements.UpsertWorkflowTask, row);

    public Task AddBufferedEventAsync(NpgsqlTransaction tx, Guid runId, string eventType, string attributes) =>
        Exec(tx, SqlStatements.InsertBufferedEvent, new { RunId = runId, EventType = eventType, Attributes = attributes });

    public async Task<IReadOnlyList<BufferedEventRow>> TakeBufferedEventsAsync(NpgsqlTransaction tx, Guid runId)
    {
        var rows = await tx.Connection!.QueryAsync<BufferedEventRow>(new CommandDefinition(SqlStatements.TakeBufferedEvents, new { RunId = runId }, tx));
        return rows.OrderBy(r => r.Id).ToList();
    }

    public Task InsertActivityTaskAsync(NpgsqlTransaction tx, ActivityTaskRow row) => Exec(tx, SqlStatements.InsertActivityTask, row);

    public Task<ActivityTaskRow?> LockActivityTaskAsync(NpgsqlTransaction tx, Guid runId, long scheduledEventId) =>
        One<ActivityTaskRow>(tx, SqlStatements.LockActivityTask, new { RunId = runId, ScheduledEventId = scheduledEventId });

    public Task UpdateActivityTaskAsync(NpgsqlTransaction tx, ActivityTaskRow row) => Exec(tx, SqlStatements.UpdateActivityTask, row);

    public Task DeleteActivityTaskAsync(NpgsqlTransaction tx, Guid runId, long scheduledEventId) =>
        Exec(tx, SqlStatements.DeleteActivityTask, new { RunId = runId, ScheduledEventId = scheduledEventId });

    public async Task<bool> RecordHeartbeatAsync(Guid runId, long scheduledEventId, int attempt, string? details)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(SqlStatements.RecordHeartbeat,
            new { RunId = runId, ScheduledEventId = scheduledEventId, Attempt = attempt, Details = details }) > 0;
    }

    public async Task RecordPickUpAsync(Guid runId, long scheduledEventId, int attempt)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(SqlStatements.RecordPickUp, new { RunId = runId, ScheduledEventId = scheduledEventId, Attempt = attempt });
    }

    public Task InsertTimerAsync(NpgsqlTransaction tx, Guid runId, string timerKey, DateTime fireAt, string payload) =>
        Exec(tx, SqlStatements.InsertTimer, new { RunId = runId, TimerKey = timerKey, FireAt = fireAt, Payload = payload });

    /// <summary>Deletes a timer; returns its payload, or null when it was already gone (fired or canceled).</summary>
    public Task<string?> DeleteTimerAsync(NpgsqlTransaction tx, Guid runId, string timerKey) =>
        One<string>(tx, SqlStatements.DeleteTimer, new { RunId = runId, TimerKey = timerKey });

    public async Task<IReadOnlyList<long>> InsertOutboxAsync(NpgsqlTransaction tx, IReadOnlyList<OutboxRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }
        var ids = await tx.Connection!.QueryAsync<long>(new CommandDefinition(SqlStatements.InsertOutbox, new
        {
            Destinations = rows.Select(r => r.Destination).ToArray(),
            Types = rows.Select(r => r.MessageType).ToArray(),
            Messages = rows.Select(r => r.Message).ToArray(),
        }, tx));
        return ids.ToList();
    }

    public async Task<IReadOnlyList<OutboxRow>> TakeOutboxBatchAsync(NpgsqlTransaction tx, int limit)
    {
        var rows = await tx.Connection!.QueryAsync<(long Id, string Destination, string MessageType, string Message)>(
            new CommandDefinition(SqlStatements.TakeOutboxBatch, new { Limit = limit }, tx));
        return rows.Select(r => new OutboxRow(r.Destination, r.MessageType, r.Message, r.Id)).ToList();
    }

    public Task DeleteOutboxAsync(NpgsqlTransaction tx, long[] ids) => Exec(tx, SqlStatements.DeleteOutbox, new { Ids = ids });

    public async Task<IReadOnlyList<Guid>> DueWorkflowTasksAsync(int limit)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<Guid>(SqlStatements.DueWorkflowTasks, new { Limit = limit })).ToList();
    }

    public async Task<IReadOnlyList<(Guid RunId, long ScheduledEventId)>> DueActivityTasksAsync(int limit)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<(Guid, long)>(SqlStatements.DueActivityTasks, new { Limit = limit })).ToList();
    }

    public async Task<IReadOnlyList<Guid>> DueTimerRunsAsync(int limit)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<Guid>(SqlStatements.DueTimerRuns, new { Limit = limit })).ToList();
    }

    public async Task<IReadOnlyList<Guid>> UnnotifiedChildrenAsync(int limit)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<Guid>(SqlStatements.UnnotifiedChildren, new { Limit = limit })).ToList();
    }

    /// <summary>Deletes and returns every timer of the run due by <paramref name="now"/>.</summary>
    public async Task<IReadOnlyList<(string TimerKey, string Payload)>> TakeDueTimersAsync(NpgsqlTransaction tx, Guid runId, DateTime now) =>
        (await tx.Connection!.QueryAsync<(string, string)>(new CommandDefinition(SqlStatements.TakeDueTimers, new { RunId = runId, Now = now }, tx))).ToList();

    public Task<bool> OpenRunExistsAsync(NpgsqlTransaction tx, string workflowId) =>
        tx.Connection!.ExecuteScalarAsync<bool>(new CommandDefinition(SqlStatements.OpenRunExists, new { WorkflowId = workflowId }, tx));

    public async Task<IReadOnlyList<(Guid RunId, string? Policy)>> OpenChildrenAsync(NpgsqlTransaction tx, Guid runId) =>
        (await tx.Connection!.QueryAsync<(Guid, string?)>(new CommandDefinition(SqlStatements.OpenChildren, new { RunId = runId }, tx))).ToList();

    public Task MarkParentNotifiedAsync(NpgsqlTransaction tx, Guid runId) => Exec(tx, SqlStatements.MarkParentNotified, new { RunId = runId });

    public async Task<DateTime?> NextTimerDueAsync()
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<DateTime?>(SqlStatements.NextTimerDue);
    }

    // ---- reads for the REST API ----

    public async Task<IReadOnlyList<WorkflowRunRecord>> ListRunsAsync(string? status, string? workflowType, string? prefix, DateTime? afterStartedAt, Guid? afterRunId, int limit)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<WorkflowRunRecord>(SqlStatements.ListRuns, new
        {
            Status = status, WorkflowType = workflowType, Prefix = prefix, AfterStartedAt = afterStartedAt,
            AfterRunId = afterRunId ?? Guid.Empty, Limit = limit,
        })).ToList();
    }

    public async Task<IReadOnlyDictionary<string, long>> CountRunsAsync(string? workflowType, string? prefix)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(string Status, long Count)>(SqlStatements.CountRuns, new { WorkflowType = workflowType, Prefix = prefix });
        return rows.ToDictionary(r => r.Status, r => r.Count);
    }

    public async Task<IReadOnlyList<ActivityTaskRow>> PendingActivitiesAsync(Guid runId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<ActivityTaskRow>(SqlStatements.PendingActivities, new { RunId = runId })).ToList();
    }

    public async Task<WorkflowTaskRow?> ReadWorkflowTaskAsync(Guid runId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<WorkflowTaskRow>(SqlStatements.ReadWorkflowTask, new { RunId = runId });
    }
}
