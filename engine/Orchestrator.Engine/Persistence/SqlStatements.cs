namespace Orchestrator.Engine.Persistence;

/// <summary>Every SQL statement of the engine, as static text. Values always go in as parameters.</summary>
internal static class SqlStatements
{
    public const string TakeMigrationLock = "SELECT pg_advisory_lock($1)";
    public const string ReleaseMigrationLock = "SELECT pg_advisory_unlock($1)";

    private const string RunColumns = """
        run_id, workflow_id, workflow_type, task_queue, status, input::text AS input, result::text AS result,
        failure::text AS failure, started_at, closed_at, previous_run_id, next_run_id, parent_workflow_id,
        parent_run_id, trace_parent, next_event_id
        """;

    public const string InsertRun = """
        INSERT INTO workflow_runs (run_id, workflow_id, workflow_type, task_queue, status, input, started_at,
            previous_run_id, parent_workflow_id, parent_run_id, trace_parent, next_event_id)
        VALUES (@RunId, @WorkflowId, @WorkflowType, @TaskQueue, @Status, @Input::json, @StartedAt,
            @PreviousRunId, @ParentWorkflowId, @ParentRunId, @TraceParent, 1)
        """;

    /// <summary>
    /// Optimistic append: advances the run's next event id only if it still is @Expected, and inserts the
    /// events with ids @Expected.. in the same statement. Zero rows inserted means another writer won.
    /// </summary>
    public const string AppendEvents = """
        WITH advanced AS (
            UPDATE workflow_runs SET next_event_id = @Expected + cardinality(@Types::text[])
            WHERE run_id = @RunId AND next_event_id = @Expected
            RETURNING run_id)
        INSERT INTO history_events (run_id, event_id, event_type, "timestamp", attributes)
        SELECT a.run_id, @Expected + e.ord - 1, e.event_type, e.ts, e.attributes::json
        FROM advanced a,
             unnest(@Types::text[], @Timestamps::timestamptz[], @Attributes::text[]) WITH ORDINALITY
                 AS e(event_type, ts, attributes, ord)
        """;

    public const string ReadHistoryPage = """
        SELECT event_id, event_type, "timestamp", attributes::text AS attributes_json
        FROM history_events
        WHERE run_id = @RunId AND event_id > @AfterEventId
        ORDER BY event_id
        LIMIT @PageSize
        """;

    public const string GetRun = $"SELECT {RunColumns} FROM workflow_runs WHERE run_id = @RunId";

    public const string GetLatestRun = $"""
        SELECT {RunColumns} FROM workflow_runs WHERE workflow_id = @WorkflowId
        ORDER BY started_at DESC, run_id DESC LIMIT 1
        """;
}
