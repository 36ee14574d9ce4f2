namespace Orchestrator.Engine.Persistence;

/// <summary>The SQL of workflow reset (<see cref="ResetStore"/>), as static text; values always as parameters.</summary>
internal static class ResetStatements
{
    /// <summary>The workflow id's latest run (the one created last), locked.</summary>
    public const string LockLatestRun = $"""
        SELECT {SqlStatements.RunColumns} FROM workflow_runs WHERE workflow_id = @WorkflowId
        ORDER BY created_seq DESC LIMIT 1 FOR UPDATE
        """;

    /// <summary>A run's events after <c>@AfterEventId</c>, in order (the whole history from 0: a reset reads it under the run's lock).</summary>
    public const string ReadHistory = """
        SELECT event_id, event_type, "timestamp", attributes::text AS attributes_json
        FROM history_events WHERE run_id = @RunId AND event_id > @AfterEventId ORDER BY event_id
        """;

    /// <summary>The two runs of a reset name each other.</summary>
    public const string Link = """
        UPDATE workflow_runs SET reset_to_run_id = @NewRunId WHERE run_id = @OldRunId;
        UPDATE workflow_runs SET reset_from_run_id = @OldRunId WHERE run_id = @NewRunId
        """;
}
