namespace Orchestrator.Engine.Persistence;

/// <summary>The SQL of requests to other workflows (table in migrations/0011_external_requests.sql); values always as parameters.</summary>
internal static class ExternalRequestStatements
{
    /// <summary>
    /// A run's new requests, written in the transaction of the events that record them (one statement for all); due for the
    /// look for left requests a little later (the engine that commits them delivers them at once). A seq the
    /// run used for a request before (only a broken or hostile worker sends one) adds its event but no second request.
    /// </summary>
    public const string Insert = """
        INSERT INTO external_requests (run_id, seq, kind, target_workflow_id, signal_name, input, reason, created_at, due_at)
        SELECT @RunId, v.seq, v.kind, v.target, v.signal_name, v.input::json, v.reason, @ExternalCreatedAt, @ExternalDueAt
        FROM unnest(@ExternalSeqs::int[], @ExternalKinds::text[], @ExternalTargets::text[], @ExternalSignalNames::text[],
            @ExternalInputs::text[], @ExternalReasons::text[]) AS v(seq, kind, target, signal_name, input, reason)
        ON CONFLICT (run_id, seq) DO NOTHING
        """;

    private const string Columns = """
        run_id AS RunId, seq AS Seq, kind AS Kind, target_workflow_id AS TargetWorkflowId, signal_name AS SignalName,
        input::text AS Input, reason AS Reason, attempts AS Attempts
        """;

    /// <summary>One request, locked for its delivery; none when it was delivered or another engine delivers it now.</summary>
    public const string Take = $"SELECT {Columns} FROM external_requests WHERE run_id = @RunId AND seq = @Seq FOR UPDATE SKIP LOCKED";

    /// <summary>Requests due for delivery (new ones a crash left, or ones whose last attempt failed), oldest first.</summary>
    public const string Due = """
        SELECT run_id, seq, attempts FROM external_requests WHERE due_at <= @Now ORDER BY due_at LIMIT @Limit
        """;

    public const string Delete = "DELETE FROM external_requests WHERE run_id = @RunId AND seq = @Seq";

    /// <summary>An attempt failed: the next one is due later.</summary>
    public const string Postpone = "UPDATE external_requests SET attempts = attempts + 1, due_at = @DueAt WHERE run_id = @RunId AND seq = @Seq";

    /// <summary>The open run of the target (not locked: the delivery locks it with the requesting run, in run id order).</summary>
    public const string OpenRunOf = "SELECT run_id FROM workflow_runs WHERE workflow_id = @WorkflowId AND status = 'Running'";

    /// <summary>Locks runs in run id order (two deliveries lock alike, so they cannot deadlock on each other).</summary>
    public const string LockRuns = "SELECT run_id FROM workflow_runs WHERE run_id = ANY(@RunIds) ORDER BY run_id FOR UPDATE";
}
