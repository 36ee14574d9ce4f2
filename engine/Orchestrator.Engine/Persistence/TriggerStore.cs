using Dapper;
using Npgsql;

namespace Orchestrator.Engine.Persistence;

/// <summary>A row of <c>triggers</c>: the definition as JSON (the REST API's shape) and its counters.</summary>
internal sealed class TriggerRow
{
    public string TriggerId { get; set; } = "";
    public string Definition { get; set; } = "{}";
    public long Delivered { get; set; }
    public long Deduplicated { get; set; }
    public long DeadLettered { get; set; }
    public string? LastError { get; set; }
    public DateTime? LastErrorAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>What a trigger is matched by (the columns beside its definition).</summary>
internal sealed record TriggerKey(string TriggerId, string SourceKind, string EventType, string? EventSource, string Definition);

/// <summary>A trigger's claim on an event was taken before: the event did what it does already.</summary>
internal sealed class EventAlreadyClaimedException(string triggerId) : Exception($"Trigger '{triggerId}' took this event before.");

/// <summary>Data access of triggers and of the events they took.</summary>
internal sealed class TriggerStore(NpgsqlDataSource dataSource)
{
    static TriggerStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <summary>Inserts a trigger; false when one with that id exists.</summary>
    public async Task<bool> InsertAsync(TriggerKey key, DateTime now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(TriggerStatements.Insert, Parameters(key, now)) == 1;
    }

    /// <summary>Replaces a trigger's definition (its counters and taken events stay); false when it does not exist.</summary>
    public async Task<bool> UpdateAsync(TriggerKey key, DateTime now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(TriggerStatements.Update, Parameters(key, now)) == 1;
    }

    public async Task<bool> DeleteAsync(string triggerId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteAsync(TriggerStatements.Delete, new { TriggerId = triggerId }) == 1;
    }

    public async Task<TriggerRow?> GetAsync(string triggerId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<TriggerRow>(new CommandDefinition(TriggerStatements.Get, new { TriggerId = triggerId }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<TriggerRow>> ListAsync(string? after, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<TriggerRow>(new CommandDefinition(TriggerStatements.List, new { After = after, Limit = limit }, cancellationToken: ct))).ToList();
    }

    /// <summary>The triggers of an event's kind and types (and source), by id: (id, definition, the type matched); one round trip.</summary>
    public async Task<IReadOnlyList<(string TriggerId, string Definition, string EventType)>> MatchAsync(string sourceKind, IReadOnlyList<string> eventTypes,
        string eventSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<(string, string, string)>(new CommandDefinition(TriggerStatements.Match,
            new { SourceKind = sourceKind, EventTypes = eventTypes.ToArray(), EventSource = eventSource }, cancellationToken: ct))).ToList();
    }

    /// <summary>The message type URNs of the MassTransit triggers.</summary>
    public async Task<IReadOnlyList<string>> MessageTypesAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<string>(new CommandDefinition(TriggerStatements.MessageTypes, cancellationToken: ct))).ToList();
    }

    /// <summary>Claims the event for the trigger in <paramref name="tx"/>.</summary>
    /// <exception cref="EventAlreadyClaimedException">the trigger took this event before.</exception>
    public async Task ClaimAsync(NpgsqlTransaction tx, string triggerId, string eventSource, string eventId, string workflowId, DateTime now)
    {
        var claimed = await tx.Connection!.ExecuteAsync(new CommandDefinition(TriggerStatements.Claim, new
        {
            TriggerId = triggerId, EventSource = eventSource, EventId = eventId, WorkflowId = workflowId, Now = now,
        }, tx));
        if (claimed == 0)
        {
            throw new EventAlreadyClaimedException(triggerId);
        }
    }

    public async Task CountDeduplicatedAsync(string triggerId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(TriggerStatements.CountDeduplicated, new { TriggerId = triggerId });
    }

    public async Task CountDeadLetteredAsync(string triggerId, string reason, DateTime now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(TriggerStatements.CountDeadLettered, new { TriggerId = triggerId, Reason = reason, Now = now });
    }

    /// <summary>Deletes up to <paramref name="limit"/> claims older than <paramref name="before"/>; how many it deleted.</summary>
    public async Task<int> PruneDeliveriesAsync(DateTime before, int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(TriggerStatements.PruneDeliveries, new { Before = before, Limit = limit }, cancellationToken: ct));
    }

    private static object Parameters(TriggerKey key, DateTime now) =>
        new { key.TriggerId, key.SourceKind, key.EventType, key.EventSource, key.Definition, Now = now };
}
