using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Retention;
using Orchestrator.TestSupport;

namespace Orchestrator.Engine.Tests.Retention;

/// <summary>A run the retention tests write straight into the tables (with a row in every table keyed by its run id).</summary>
internal sealed record TestRun(Guid RunId, string WorkflowId, string Status, DateTime? ClosedAt, Guid? ParentRunId = null, bool ParentNotified = true)
{
    public static TestRun Open(Guid? parent = null) => New("Running", null, parent, parentNotified: false);

    public static TestRun Closed(TimeSpan ago, string status = "Completed", Guid? parent = null, bool parentNotified = true) =>
        New(status, DateTime.UtcNow - ago, parent, parentNotified);

    private static TestRun New(string status, DateTime? closedAt, Guid? parent, bool parentNotified)
    {
        var id = Guid.NewGuid();
        return new TestRun(id, "ret-" + id.ToString("N")[..12], status, closedAt, parent, parentNotified);
    }
}

/// <summary>A migrated database of its own for one retention test, and the tables' contents as the tests check them.</summary>
internal sealed class RetentionDatabase : IAsyncDisposable
{
    /// <summary>History events each test run gets.</summary>
    public const int Events = 11;

    /// <summary>The tables whose rows are a run's (foreign key to workflow_runs, ON DELETE CASCADE), and how many each test run has.</summary>
    public static readonly (string Table, int Rows)[] RunTables =
    [
        ("history_events", Events), ("workflow_tasks", 1), ("activity_tasks", 1), ("timers", 1), ("buffered_events", 1), ("workflow_updates", 1),
        ("external_requests", 1),
    ];

    private RetentionDatabase(string connectionString)
    {
        ConnectionString = connectionString;
        DataSource = NpgsqlDataSource.Create(connectionString);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>The meter factory of the tests' sweepers (one for the process).</summary>
    public static IMeterFactory Meters { get; } = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    public static async Task<RetentionDatabase> CreateAsync()
    {
        var cs = await TestServers.CreateDatabaseAsync("retention");
        await DatabaseMigrator.MigrateAsync(cs, NullLogger.Instance);
        return new RetentionDatabase(cs);
    }

    public RetentionSweeper Sweeper(RetentionOptions options, NpgsqlDataSource? dataSource = null) =>
        new(new RetentionStore(dataSource ?? DataSource), options, new EngineSettings(), new RetentionTelemetry(Meters), NullLogger<RetentionSweeper>.Instance);

    /// <summary>Writes the runs, each with <paramref name="events"/> history events and one row in each other table of <see cref="RunTables"/>.</summary>
    public async Task InsertAsync(IReadOnlyList<TestRun> runs, int events = Events)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await InsertAsync(connection, runs, events);
    }

    public static Task InsertAsync(NpgsqlConnection connection, IReadOnlyList<TestRun> runs, int events = Events) =>
        connection.ExecuteAsync("""
            INSERT INTO workflow_runs (run_id, workflow_id, workflow_type, task_queue, status, started_at, closed_at, parent_run_id,
                parent_workflow_id, parent_notified, next_event_id)
            SELECT r.id, r.wid, 'RetentionTest', 'q', r.status, coalesce(r.closed, now()) - interval '1 hour', r.closed, r.parent,
                CASE WHEN r.parent IS NULL THEN NULL ELSE 'parent' END, r.notified, @Events + 1
            FROM unnest(@Ids::uuid[], @Wids::text[], @Statuses::text[], @Closed::timestamptz[], @Parents::uuid[], @Notified::boolean[])
                AS r(id, wid, status, closed, parent, notified);
            INSERT INTO history_events (run_id, event_id, event_type, "timestamp", attributes)
            SELECT id, e, 'MarkerRecorded', now(), json_build_object('n', e, 'pad', repeat('x', 100))
            FROM unnest(@Ids::uuid[]) id, generate_series(1, @Events) e;
            INSERT INTO workflow_tasks (run_id, scheduled_event_id, task_queue, events_from, state, dispatch_after)
            SELECT id, 1, 'q', 1, 'idle', now() FROM unnest(@Ids::uuid[]) id;
            INSERT INTO activity_tasks (run_id, scheduled_event_id, seq, activity_name, task_queue, options, state, scheduled_at, dispatch_after)
            SELECT id, 2, 1, 'A', 'q', '{}', 'scheduled', now(), now() + interval '1 day' FROM unnest(@Ids::uuid[]) id;
            INSERT INTO timers (run_id, timer_key, fire_at) SELECT id, 't', now() + interval '1 day' FROM unnest(@Ids::uuid[]) id;
            INSERT INTO buffered_events (run_id, event_type, attributes) SELECT id, 'SignalReceived', '{}' FROM unnest(@Ids::uuid[]) id;
            INSERT INTO workflow_updates (workflow_id, update_id, run_id, update_name, status, accepted_at)
            SELECT wid, 'u-' || id, id, 'U', 'Completed', now() FROM unnest(@Ids::uuid[], @Wids::text[]) AS x(id, wid);
            INSERT INTO external_requests (run_id, seq, kind, target_workflow_id, created_at, due_at)
            SELECT id, 1, 'Signal', 'elsewhere', now(), now() + interval '1 day' FROM unnest(@Ids::uuid[]) id;
            """, new
        {
            Ids = runs.Select(r => r.RunId).ToArray(), Wids = runs.Select(r => r.WorkflowId).ToArray(), Statuses = runs.Select(r => r.Status).ToArray(),
            Closed = runs.Select(r => r.ClosedAt).ToArray(), Parents = runs.Select(r => r.ParentRunId).ToArray(),
            Notified = runs.Select(r => r.ParentNotified).ToArray(), Events = events,
        });

    /// <summary>Of each run, its row count in workflow_runs and in each table of <see cref="RunTables"/>, in that order.</summary>
    public async Task<Dictionary<Guid, long[]>> RowsAsync(IEnumerable<Guid> runIds)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        return await RowsAsync(connection, runIds);
    }

    public static async Task<Dictionary<Guid, long[]>> RowsAsync(NpgsqlConnection connection, IEnumerable<Guid> runIds)
    {
        var counts = string.Join(", ", new[] { "workflow_runs" }.Concat(RunTables.Select(t => t.Table))
            .Select(t => $"(SELECT count(*) FROM {t} x WHERE x.run_id = u.rid)")); // table names are ours; u.rid, not a bare id: some tables have an id column
        var rows = await connection.QueryAsync($"SELECT u.rid AS id, ARRAY[{counts}] AS counts FROM unnest(@Ids::uuid[]) AS u(rid)", new { Ids = runIds.ToArray() });
        return rows.ToDictionary(r => (Guid)r.id, r => (long[])r.counts);
    }

    /// <summary>The counts of a run that is wholly there (its row, its whole history, a row in each other table).</summary>
    public static long[] Whole(int events = Events) => [1, .. RunTables.Select(t => (long)(t.Table == "history_events" ? events : t.Rows))];

    /// <summary>The counts of a run that is wholly gone.</summary>
    public static long[] Gone => new long[RunTables.Length + 1];

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await TestServers.DropDatabaseAsync(ConnectionString);
    }
}
