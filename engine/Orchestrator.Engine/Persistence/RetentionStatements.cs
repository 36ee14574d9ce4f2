namespace Orchestrator.Engine.Persistence;

/// <summary>The SQL of retention (<see cref="RetentionStore"/>): static text, values as parameters.</summary>
internal static class RetentionStatements
{
    /// <summary>
    /// The advisory lock one engine holds while it sweeps (session level, on the sweep's own connection): the others skip
    /// their sweep meanwhile, so the pace of <c>BatchPause</c> holds for the whole database, not per engine. It goes with
    /// the session when the engine dies.
    /// </summary>
    public const long SweepLockKey = 0x4F52_4348_5245_544E; // "ORCHRETN"

    public const string TryLockSweep = "SELECT pg_try_advisory_lock(@Key)";

    public const string UnlockSweep = "SELECT pg_advisory_unlock(@Key)";

    /// <summary>
    /// Settings of a batch's transaction. lock_timeout: the batch never waits long on a row lock of the hot path (an external
    /// request being delivered locks its row, then the run): it fails and the next sweep tries again, so the run rows it has
    /// locked meanwhile are never held for long. jit off: the planner's cost of the due scan (an index scan stopped by its
    /// LIMIT, sub-plans per row) is far above its real cost, and compiling it took 0.5 s for a 5 ms statement.
    /// enable_seqscan off: the statement is built to be index probes only (see <see cref="DeleteDueBatch"/>); with statistics
    /// older than the rows (many runs written since the last ANALYZE, as after a bulk load or a restore) the planner took the
    /// table for small and checked each due run's children by scanning it: the first batch of 1,000 after 20,000 runs were
    /// written took 21.8 s instead of 0.1 s (./bench.sh --only retention).
    /// </summary>
    public const string BatchSettings = "SET LOCAL lock_timeout = '200ms'; SET LOCAL jit = off; SET LOCAL enable_seqscan = off";

    /// <summary>
    /// Deletes up to @Limit closed runs that closed before @Before, in close order after the cursor (@AfterClosedAt,
    /// @AfterRunId), with every row of theirs (history, task rows, timers, buffered events, updates, external requests: the
    /// ON DELETE CASCADE of their foreign keys); answers the last deleted run (the next cursor) and how many were deleted.
    /// Kept although due: a child whose parent is open (until the parent closes) or that has not yet told its parent how it
    /// closed (the sweeper tells it within seconds; a continued-as-new run never does: its last run will), and a run with a
    /// child that may still report to it (open, or closed and not yet told to it): a notice to a deleted parent would be
    /// retried forever.
    /// Run rows another transaction holds are skipped (SKIP LOCKED), never waited for; the next sweep takes them.
    /// </summary>
    /// <remarks>
    /// The checks are sub-plans evaluated per row of the close-time index scan (workflow_runs_by_close, read backwards) so
    /// that the scan stops after @Limit deletable rows: written as NOT EXISTS the planner turned them into hash anti joins
    /// over every open run and read the whole table (0.1 s for 50,000 runs). Each is an index probe: the parent by primary
    /// key, open children by workflow_runs_open_children, unnotified children in workflow_runs_unnotified_children (rows
    /// there live for a moment). Their snapshot is the statement's; that is safe because a run's state only moves forward
    /// (open, closed, parent told): a check that saw a parent closed or a child told is true for good.
    /// </remarks>
    public const string DeleteDueBatch = """
        WITH due AS (
            SELECT r.run_id FROM workflow_runs r
            WHERE r.closed_at < @Before AND r.status <> 'Running'
              AND (r.closed_at, r.run_id) > (@AfterClosedAt, @AfterRunId)
              AND (r.parent_run_id IS NULL
                   OR ((r.parent_notified OR r.status = 'ContinuedAsNew')
                       AND NOT EXISTS (SELECT 1 FROM workflow_runs p WHERE p.run_id = r.parent_run_id AND p.status = 'Running')))
              AND (SELECT c.run_id FROM workflow_runs c WHERE c.parent_run_id = r.run_id AND c.status = 'Running' LIMIT 1) IS NULL
              AND (SELECT c.run_id FROM workflow_runs c
                   WHERE c.parent_run_id = r.run_id AND NOT c.parent_notified AND c.status NOT IN ('Running', 'ContinuedAsNew') LIMIT 1) IS NULL
            ORDER BY r.closed_at, r.run_id
            LIMIT @Limit
            FOR UPDATE OF r SKIP LOCKED),
        deleted AS (
            DELETE FROM workflow_runs r USING due WHERE r.run_id = due.run_id
            RETURNING r.closed_at, r.run_id)
        SELECT closed_at AS ClosedAt, run_id AS RunId, count(*) OVER () AS Deleted
        FROM deleted ORDER BY closed_at DESC, run_id DESC LIMIT 1
        """;
}
