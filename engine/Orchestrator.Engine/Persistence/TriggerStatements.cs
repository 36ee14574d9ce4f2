namespace Orchestrator.Engine.Persistence;

/// <summary>The SQL of <see cref="TriggerStore"/> (tables in migrations/0009_triggers.sql); values always as parameters.</summary>
internal static class TriggerStatements
{
    private const string Columns = """
        t.trigger_id, t.definition::text AS definition, t.deduplicated, t.dead_lettered, t.last_error, t.last_error_at, t.created_at, t.updated_at,
        (SELECT count(*) FROM trigger_deliveries d WHERE d.trigger_id = t.trigger_id) AS delivered
        """;

    public const string Insert = """
        INSERT INTO triggers (trigger_id, source_kind, event_type, event_source, definition, created_at, updated_at)
        VALUES (@TriggerId, @SourceKind, @EventType, @EventSource, @Definition::json, @Now, @Now)
        ON CONFLICT (trigger_id) DO NOTHING
        """;

    public const string Update = """
        UPDATE triggers SET source_kind = @SourceKind, event_type = @EventType, event_source = @EventSource, definition = @Definition::json, updated_at = @Now
        WHERE trigger_id = @TriggerId
        """;

    public const string Delete = "DELETE FROM triggers WHERE trigger_id = @TriggerId";

    public const string Get = $"SELECT {Columns} FROM triggers t WHERE t.trigger_id = @TriggerId";

    public const string List = $"""
        SELECT {Columns} FROM triggers t WHERE (@After::text IS NULL OR t.trigger_id > @After) ORDER BY t.trigger_id LIMIT @Limit
        """;

    /// <summary>
    /// The triggers an event matches: its kind and one of its types (a MassTransit message has several), and its source
    /// unless the trigger takes any; each with the type it matched.
    /// </summary>
    public const string Match = """
        SELECT t.trigger_id, t.definition::text AS definition, t.event_type FROM triggers t
        WHERE t.source_kind = @SourceKind AND t.event_type = ANY(@EventTypes) AND (t.event_source IS NULL OR t.event_source = @EventSource)
        ORDER BY t.trigger_id
        """;

    /// <summary>The message types of the MassTransit triggers (their exchanges are bound to the events queue).</summary>
    public const string MessageTypes = "SELECT DISTINCT event_type FROM triggers WHERE source_kind = 'masstransit' ORDER BY event_type";

    /// <summary>
    /// Claims an event for a trigger in the transaction of its action; no row when it was claimed before (a concurrent
    /// claim of the same event waits here until the first commits or rolls back).
    /// </summary>
    public const string Claim = """
        INSERT INTO trigger_deliveries (trigger_id, event_source, event_id, workflow_id, delivered_at)
        VALUES (@TriggerId, @EventSource, @EventId, @WorkflowId, @Now)
        ON CONFLICT DO NOTHING
        """;

    public const string CountDeduplicated = "UPDATE triggers SET deduplicated = deduplicated + 1 WHERE trigger_id = @TriggerId";

    public const string CountDeadLettered = """
        UPDATE triggers SET dead_lettered = dead_lettered + 1, last_error = @Reason, last_error_at = @Now WHERE trigger_id = @TriggerId
        """;

    /// <summary>Deletes up to @Limit claims older than @Before (oldest first); the rest on the next pass.</summary>
    public const string PruneDeliveries = """
        DELETE FROM trigger_deliveries d USING (
            SELECT trigger_id, event_source, event_id FROM trigger_deliveries WHERE delivered_at < @Before ORDER BY delivered_at LIMIT @Limit) old
        WHERE d.trigger_id = old.trigger_id AND d.event_source = old.event_source AND d.event_id = old.event_id
        """;
}
