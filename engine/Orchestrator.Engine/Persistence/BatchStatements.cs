namespace Orchestrator.Engine.Persistence;

/// <summary>The SQL of batch operations (tables in migrations/0013_batches.sql); values always as parameters.</summary>
internal static class BatchStatements
{
    public const string Columns = """
        batch_id AS BatchId, operation AS Operation, query AS Query, signal_name AS SignalName, input::text AS Input, reason AS Reason,
        max_per_second AS MaxPerSecond, state AS State, total AS Total, done AS Done, failed AS Failed, created_at AS CreatedAt,
        closed_at AS ClosedAt, lease_owner AS LeaseOwner
        """;

    public const string InsertBatch = """
        INSERT INTO batches (batch_id, operation, query, signal_name, input, reason, max_per_second, state, created_at)
        VALUES (@BatchId, @Operation, @Query, @SignalName, @Input::json, @Reason, @MaxPerSecond, 'Running', @Now)
        """;

    /// <summary>
    /// The targets, fixed in the creating transaction: the open runs matching the query (<c>{where}</c>, from
    /// <see cref="QuerySqlCompiler"/>: fixed text and parameters only) in its order (<c>{order}</c>), at most
    /// <c>@Limit</c>; the batch's total is their count (a batch without targets is Completed at once).
    /// </summary>
    public const string SnapshotTargetsTemplate = """
        WITH items AS (
            INSERT INTO batch_items (batch_id, seq, run_id, workflow_id)
            SELECT @BatchId, row_number() OVER (ORDER BY {order}), run_id, workflow_id
            FROM workflow_runs WHERE status = 'Running' AND {where}
            ORDER BY {order} LIMIT @Limit
            RETURNING 1
        )
        UPDATE batches SET total = c.n,
            state = CASE WHEN c.n = 0 THEN 'Completed' ELSE 'Running' END,
            closed_at = CASE WHEN c.n = 0 THEN @Now END
        FROM (SELECT count(*) AS n FROM items) c
        WHERE batch_id = @BatchId
        RETURNING total
        """;

    public const string Read = $"SELECT {Columns} FROM batches WHERE batch_id = @BatchId";

    /// <summary>The first failures of a batch, in its order.</summary>
    public const string Failures = """
        SELECT workflow_id AS WorkflowId, run_id AS RunId, detail AS Detail FROM batch_items
        WHERE batch_id = @BatchId AND state = 'Failed' ORDER BY seq LIMIT @Limit
        """;

    /// <summary>
    /// Leases running batches to this engine: those no engine holds, whose lease ran out, or that this engine held (and is
    /// not working now), oldest first, at most <c>@Limit</c>. A batch whose row another transaction locks is skipped.
    /// </summary>
    public const string Claim = $"""
        UPDATE batches SET lease_owner = @Owner, lease_expires_at = @Until
        WHERE batch_id IN (
            SELECT batch_id FROM batches
            WHERE state = 'Running' AND (lease_expires_at IS NULL OR lease_expires_at < @Now OR lease_owner = @Owner)
                AND NOT (batch_id = ANY(@Working))
            ORDER BY created_at LIMIT @Limit
            FOR UPDATE SKIP LOCKED)
        RETURNING {Columns}
        """;

    /// <summary>The next pending items of a batch (at most <c>@Limit</c>), locked for their actions; none while the others are locked or when all are done.</summary>
    public const string TakeItems = """
        SELECT seq AS Seq, run_id AS RunId, workflow_id AS WorkflowId FROM batch_items
        WHERE batch_id = @BatchId AND state = 'Pending'
        ORDER BY seq LIMIT @Limit
        FOR UPDATE SKIP LOCKED
        """;

    /// <summary>
    /// Items acted on: marked, and counted on their batch (Completed with the last item), in the items' transaction; the
    /// lease is renewed while this engine holds it. No row when the batch is no longer Running (canceled meanwhile) or an
    /// item was no longer pending: the caller rolls back, actions included.
    /// </summary>
    public const string RecordItems = """
        WITH items AS (
            UPDATE batch_items i SET state = v.state, detail = v.detail, acted_at = @Now
            FROM unnest(@Seqs::bigint[], @States::text[], @Details::text[]) AS v(seq, state, detail)
            WHERE i.batch_id = @BatchId AND i.seq = v.seq AND i.state = 'Pending'
            RETURNING i.state
        ), counted AS (
            SELECT count(*) FILTER (WHERE state = 'Done') AS d, count(*) FILTER (WHERE state = 'Failed') AS f, count(*) AS n FROM items
        )
        UPDATE batches SET done = done + c.d, failed = failed + c.f,
            state = CASE WHEN done + c.d + failed + c.f >= total THEN 'Completed' ELSE state END,
            closed_at = CASE WHEN done + c.d + failed + c.f >= total THEN @Now ELSE closed_at END,
            lease_expires_at = CASE WHEN lease_owner = @Owner THEN @Until ELSE lease_expires_at END
        FROM counted c
        WHERE batch_id = @BatchId AND state = 'Running' AND c.n = @Count
        RETURNING state AS State, lease_owner AS LeaseOwner, done AS Done, failed AS Failed
        """;

    /// <summary>A running batch without pending items is Completed (a safety net: the last item completes it).</summary>
    public const string CompleteIfDone = """
        UPDATE batches SET state = 'Completed', closed_at = @Now
        WHERE batch_id = @BatchId AND state = 'Running'
            AND NOT EXISTS (SELECT 1 FROM batch_items WHERE batch_id = @BatchId AND state = 'Pending')
        """;

    /// <summary>Renews this engine's lease; no row when another engine holds it or the batch closed.</summary>
    public const string Renew = """
        UPDATE batches SET lease_expires_at = @Until
        WHERE batch_id = @BatchId AND lease_owner = @Owner AND state = 'Running'
        RETURNING 1
        """;

    /// <summary>Gives up this engine's leases (stopping): another engine, or this one restarted, goes on at once.</summary>
    public const string Release = """
        UPDATE batches SET lease_owner = NULL, lease_expires_at = NULL
        WHERE batch_id = ANY(@BatchIds) AND lease_owner = @Owner
        """;

    /// <summary>
    /// Cancels a running batch: no item is acted on after this commits (an item's transaction counts itself on the batch
    /// only while it is Running, else it rolls back). Pending items stay pending.
    /// </summary>
    public const string Cancel = """
        UPDATE batches SET state = 'Canceled', closed_at = @Now, lease_owner = NULL, lease_expires_at = NULL
        WHERE batch_id = @BatchId AND state = 'Running'
        """;
}
