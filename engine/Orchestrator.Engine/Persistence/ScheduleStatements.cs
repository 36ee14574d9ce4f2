namespace Orchestrator.Engine.Persistence;

/// <summary>The SQL of <see cref="ScheduleStore"/> (tables in migrations/0007_schedules.sql); values always as parameters.</summary>
internal static class ScheduleStatements
{
    private const string Columns = """
        schedule_id, spec::text AS spec, action::text AS action, policy::text AS policy, paused, note, remaining_actions, cursor_at,
        next_fire_at, buffered, backfills::text AS backfills, action_count, missed_catchup_window, overlap_skipped, created_at, updated_at
        """;

    public const string Insert = """
        INSERT INTO schedules (schedule_id, spec, action, policy, paused, note, remaining_actions, cursor_at, next_fire_at, created_at, updated_at)
        VALUES (@ScheduleId, @Spec::json, @Action::json, @Policy::json, @Paused, @Note, @RemainingActions, @CursorAt, @NextFireAt, @Now, @Now)
        ON CONFLICT (schedule_id) DO NOTHING
        """;

    public const string Get = $"SELECT {Columns} FROM schedules WHERE schedule_id = @ScheduleId";

    public const string Lock = $"SELECT {Columns} FROM schedules WHERE schedule_id = @ScheduleId FOR UPDATE";

    public const string LockIfFree = $"SELECT {Columns} FROM schedules WHERE schedule_id = @ScheduleId FOR UPDATE SKIP LOCKED";

    public const string Update = """
        UPDATE schedules SET spec = @Spec::json, action = @Action::json, policy = @Policy::json, paused = @Paused, note = @Note,
            remaining_actions = @RemainingActions, cursor_at = @CursorAt, next_fire_at = @NextFireAt, buffered = @Buffered,
            backfills = @Backfills::json, action_count = @ActionCount, missed_catchup_window = @MissedCatchupWindow,
            overlap_skipped = @OverlapSkipped, updated_at = @Now
        WHERE schedule_id = @ScheduleId
        """;

    public const string Delete = "DELETE FROM schedules WHERE schedule_id = @ScheduleId";

    public const string List = $"""
        SELECT {Columns} FROM schedules WHERE (@After::text IS NULL OR schedule_id > @After) ORDER BY schedule_id LIMIT @Limit
        """;

    /// <summary>
    /// Schedules with something to do: a scheduled time due (not paused), a buffered time whose running workflows all
    /// closed (not paused), or a backfill (paused or not). Read without locks; each is locked (SKIP LOCKED) and re-checked.
    /// </summary>
    public const string Due = """
        SELECT s.schedule_id FROM schedules s
        WHERE (NOT s.paused AND s.next_fire_at <= @Now)
           OR (NOT s.paused AND cardinality(s.buffered) > 0 AND NOT EXISTS (
                SELECT 1 FROM schedule_actions a JOIN workflow_runs r ON r.workflow_id = a.workflow_id AND r.status = 'Running'
                WHERE a.schedule_id = s.schedule_id AND NOT a.done))
           OR s.backfills::text <> '[]'
        ORDER BY s.next_fire_at NULLS LAST
        LIMIT @Limit
        """;

    public const string NextFire = "SELECT min(next_fire_at) FROM schedules WHERE NOT paused";

    /// <summary>Marks the actions whose workflow has no open run done; returns those whose latest run failed or timed out.</summary>
    public const string CloseFinishedActions = """
        WITH closed AS (
            UPDATE schedule_actions a SET done = true
            WHERE a.schedule_id = @ScheduleId AND NOT a.done
              AND NOT EXISTS (SELECT 1 FROM workflow_runs r WHERE r.workflow_id = a.workflow_id AND r.status = 'Running')
            RETURNING a.workflow_id)
        SELECT c.workflow_id FROM closed c
        WHERE (SELECT r.status FROM workflow_runs r WHERE r.workflow_id = c.workflow_id ORDER BY r.created_seq DESC LIMIT 1) IN ('Failed', 'TimedOut')
        """;

    public const string Running = """
        SELECT a.workflow_id, r.run_id FROM schedule_actions a
        JOIN workflow_runs r ON r.workflow_id = a.workflow_id AND r.status = 'Running'
        WHERE a.schedule_id = @ScheduleId AND NOT a.done
        ORDER BY a.scheduled_at
        """;

    public const string ActionExists = "SELECT EXISTS (SELECT 1 FROM schedule_actions WHERE schedule_id = @ScheduleId AND scheduled_at = @ScheduledAt)";

    public const string InsertAction = """
        INSERT INTO schedule_actions (schedule_id, scheduled_at, actual_at, workflow_id, run_id, kind, fired_by, done)
        VALUES (@ScheduleId, @ScheduledAt, @ActualAt, @WorkflowId, @RunId, @Kind, @FiredBy, @Done)
        """;

    public const string RecentActions = """
        SELECT a.scheduled_at, a.actual_at, a.workflow_id, a.run_id, r.status
        FROM schedule_actions a LEFT JOIN workflow_runs r ON r.run_id = a.run_id
        WHERE a.schedule_id = @ScheduleId
        ORDER BY a.actual_at DESC, a.scheduled_at DESC
        LIMIT @Limit
        """;
}
