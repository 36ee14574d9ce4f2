namespace Orchestrator.Engine.Persistence;

/// <summary>The SQL of updates (table in migrations/0010_updates.sql); values always as parameters.</summary>
internal static class UpdateStatements
{
    private const string Columns = """
        workflow_id, update_id, run_id, update_name, status, result::text AS result, failure::text AS failure, accepted_at, completed_at
        """;

    /// <summary>An update accepted by the run of its transaction (which holds the run's lock); no row when the id was taken.</summary>
    public const string Insert = """
        INSERT INTO workflow_updates (workflow_id, update_id, run_id, update_name, status, accepted_at)
        VALUES (@WorkflowId, @UpdateId, @RunId, @UpdateName, 'Accepted', @Now)
        ON CONFLICT (workflow_id, update_id) DO NOTHING
        """;

    public const string Get = $"SELECT {Columns} FROM workflow_updates WHERE workflow_id = @WorkflowId AND update_id = @UpdateId";

    /// <summary>Outcomes of a run's updates, as its workflow task recorded them (one statement for all of them).</summary>
    public const string Complete = """
        UPDATE workflow_updates u SET status = v.status, result = v.result::json, failure = v.failure::json, completed_at = @UpdatesCompletedAt
        FROM unnest(@CompletedUpdateIds::text[], @CompletedUpdateStatuses::text[], @CompletedUpdateResults::text[], @CompletedUpdateFailures::text[])
            AS v(update_id, status, result, failure)
        WHERE u.run_id = @RunId AND u.update_id = v.update_id AND u.status = 'Accepted'
        """;

    /// <summary>
    /// A run closes: the updates it accepted and did not finish fail (their callers learn it), except those its last
    /// workflow task completed (written after the close, in the same transaction).
    /// </summary>
    public const string FailUnfinished = """
        UPDATE workflow_updates SET status = 'Failed', completed_at = @ClosedAt,
            failure = json_build_object('type', 'RunClosed', 'message', 'The run closed (' || @Status || ') before the update finished.')
        WHERE run_id = @RunId AND status = 'Accepted' AND NOT (update_id = ANY(@FinishedUpdateIds::text[]))
        """;
}
