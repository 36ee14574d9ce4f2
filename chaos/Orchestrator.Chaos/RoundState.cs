using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Orchestrator.Chaos;

internal sealed record RunRow(Guid RunId, string WorkflowId, string WorkflowType, string Status, string? Result, DateTime StartedAt,
    DateTime? ClosedAt, Guid? PreviousRunId, Guid? NextRunId, Guid? ParentRunId, string? ParentClosePolicy, long NextEventId);

internal sealed record EventRow(Guid RunId, long EventId, string EventType, DateTime Timestamp, string Attributes)
{
    public JsonElement Attr => JsonDocument.Parse(Attributes).RootElement;

    public override string ToString() => $"{EventId,4} {EventType,-24} {Timestamp:HH:mm:ss.fff} {(Attributes.Length > 160 ? Attributes[..160] + "..." : Attributes)}";
}

/// <summary>What PostgreSQL holds of a round once it ended: every run and every event (the checks read only this, and the REST API).</summary>
internal sealed class RoundState
{
    private RoundState(Dictionary<Guid, RunRow> runs, Dictionary<Guid, List<EventRow>> events)
    {
        Runs = runs;
        Events = events;
        ByWorkflow = runs.Values.ToLookup(r => r.WorkflowId);
    }

    public Dictionary<Guid, RunRow> Runs { get; }

    public ILookup<string, RunRow> ByWorkflow { get; }

    public Dictionary<Guid, List<EventRow>> Events { get; }

    public IReadOnlyList<EventRow> EventsOf(Guid runId) => Events.TryGetValue(runId, out var e) ? e : [];

    /// <summary>The runs of a workflow id from <paramref name="first"/> along next_run_id (continue-as-new and workflow retries).</summary>
    public List<RunRow> Chain(RunRow first)
    {
        var chain = new List<RunRow> { first };
        var seen = new HashSet<Guid> { first.RunId };
        while (chain[^1].NextRunId is { } next && Runs.TryGetValue(next, out var run) && seen.Add(next))
        {
            chain.Add(run);
        }
        return chain;
    }

    public static async Task<RoundState> LoadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var runs = (await connection.QueryAsync<RunRow>("""
            SELECT run_id AS RunId, workflow_id AS WorkflowId, workflow_type AS WorkflowType, status AS Status, result::text AS Result,
                   started_at AS StartedAt, closed_at AS ClosedAt, previous_run_id AS PreviousRunId, next_run_id AS NextRunId,
                   parent_run_id AS ParentRunId, parent_close_policy AS ParentClosePolicy, next_event_id AS NextEventId
            FROM workflow_runs
            """)).ToDictionary(r => r.RunId);
        var events = (await connection.QueryAsync<EventRow>("""
            SELECT run_id AS RunId, event_id AS EventId, event_type AS EventType, "timestamp" AS Timestamp, attributes::text AS Attributes
            FROM history_events ORDER BY run_id, event_id
            """)).GroupBy(e => e.RunId).ToDictionary(g => g.Key, g => g.ToList());
        return new RoundState(runs, events);
    }

    /// <summary>How many runs are open, and how many of them are children (not abandoned) whose parent closed more than <paramref name="grace"/> ago.</summary>
    public static async Task<(long Open, long OrphanedChildren)> OpenRunsAsync(string connectionString, TimeSpan grace)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return await connection.QuerySingleAsync<(long, long)>("""
            SELECT count(*),
                   count(*) FILTER (WHERE coalesce(c.parent_close_policy, 'Terminate') <> 'Abandon'
                                    AND EXISTS (SELECT 1 FROM workflow_runs p WHERE p.run_id = c.parent_run_id
                                                   AND p.status <> 'Running' AND p.closed_at < now() - @grace))
            FROM workflow_runs c WHERE c.status = 'Running'
            """, new { grace });
    }

    /// <summary>Rows of closed runs left in the task tables, and every outbox row.</summary>
    public static async Task<List<string>> LeftoversAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var lines = new List<string>();
        foreach (var (table, columns) in new[]
        {
            ("workflow_tasks", "t.run_id, t.scheduled_event_id, t.attempt, t.state, t.dispatch_after"),
            ("activity_tasks", "t.run_id, t.scheduled_event_id, t.activity_name, t.attempt, t.state, t.dispatch_after"),
            ("timers", "t.run_id, t.timer_key, t.fire_at"),
            ("buffered_events", "t.run_id, t.event_type, t.created_at"),
        })
        {
            // table and column names are the harness's own constants, not input
            var rows = await connection.QueryAsync($"""
                SELECT {columns}, r.workflow_id, r.status FROM {table} t JOIN workflow_runs r USING (run_id)
                WHERE r.status <> 'Running' LIMIT 20
                """);
            lines.AddRange(rows.Select(r => $"{table}: {string.Join(" ", ((IDictionary<string, object?>)r).Select(kv => $"{kv.Key}={kv.Value}"))}"));
        }
        var outbox = await connection.QueryAsync<(long, string, string, DateTime)>(
            "SELECT id, destination, message_type, created_at FROM outbox ORDER BY id LIMIT 20");
        lines.AddRange(outbox.Select(o => $"outbox: id={o.Item1} destination={o.Item2} type={o.Item3} created {o.Item4:HH:mm:ss.fff}"));
        return lines;
    }

    /// <summary>A run's rows in every table, and its last events: for a run that did not close.</summary>
    public static async Task<string> DumpAsync(string connectionString, Guid runId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var sb = new StringBuilder();
        var run = await connection.QuerySingleOrDefaultAsync<(string, string, string, DateTime, long, bool)>(
            "SELECT workflow_id, workflow_type, status, started_at, next_event_id, cancel_requested FROM workflow_runs WHERE run_id = @runId", new { runId });
        sb.AppendLine($"    workflow_runs: {run.Item1} {run.Item2} {run.Item3} started {run.Item4:HH:mm:ss.fff} next_event_id {run.Item5} cancel_requested {run.Item6}");
        foreach (var t in await connection.QueryAsync<(long, int, string, DateTime, string?)>(
            "SELECT scheduled_event_id, attempt, state, dispatch_after, last_failure::text FROM workflow_tasks WHERE run_id = @runId", new { runId }))
        {
            sb.AppendLine($"    workflow_tasks: scheduled {t.Item1} attempt {t.Item2} {t.Item3} due {t.Item4:HH:mm:ss.fff} last_failure {t.Item5}");
        }
        foreach (var a in await connection.QueryAsync<(long, string, int, string, DateTime)>(
            "SELECT scheduled_event_id, activity_name, attempt, state, dispatch_after FROM activity_tasks WHERE run_id = @runId", new { runId }))
        {
            sb.AppendLine($"    activity_tasks: scheduled {a.Item1} {a.Item2} attempt {a.Item3} {a.Item4} due {a.Item5:HH:mm:ss.fff}");
        }
        foreach (var t in await connection.QueryAsync<(string, DateTime)>("SELECT timer_key, fire_at FROM timers WHERE run_id = @runId", new { runId }))
        {
            sb.AppendLine($"    timers: {t.Item1} fire_at {t.Item2:HH:mm:ss.fff}");
        }
        foreach (var b in await connection.QueryAsync<(string, DateTime)>("SELECT event_type, created_at FROM buffered_events WHERE run_id = @runId", new { runId }))
        {
            sb.AppendLine($"    buffered_events: {b.Item1} {b.Item2:HH:mm:ss.fff}");
        }
        var outbox = await connection.QueryAsync<(long, string, DateTime)>(
            "SELECT id, message_type, created_at FROM outbox WHERE message::text LIKE '%' || @id || '%' LIMIT 10", new { id = runId.ToString() });
        foreach (var o in outbox)
        {
            sb.AppendLine($"    outbox: id {o.Item1} {o.Item2} created {o.Item3:HH:mm:ss.fff}");
        }
        sb.AppendLine($"    outbox rows in all: {await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox")}; now {DateTime.UtcNow:HH:mm:ss.fff}");
        return sb.ToString();
    }
}
