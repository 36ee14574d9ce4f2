using Dapper;
using Npgsql;
using Xunit.Abstractions;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>Retention in the engine process: an engine killed (SIGKILL) in the middle of a deleting batch leaves no run half deleted.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class RetentionTests(ITestOutputHelper output)
{
    private const int DueRuns = 30_000;
    private const int BatchSize = 10_000;
    private const int Events = 11;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task EngineKilledMidBatch_LeavesEveryRunWholeOrGone_WholeBatchesOnly_AndTheRestartedEngineFinishes()
    {
        await using var cluster = await Cluster.StartAsync(workers: 0, engineEnvironment: new Dictionary<string, string>
        {
            ["Orchestrator__Retention__Interval"] = "00:00:01",
            ["Orchestrator__Retention__BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orchestrator__Retention__BatchPause"] = "00:00:00",
            ["Logging__LogLevel__Orchestrator.Engine.Retention"] = "Information",
        });
        await using var db = new NpgsqlConnection(cluster.Postgres);
        await db.OpenAsync();
        // due runs (closed 40 days ago, each with a history), and what must stay: a young closed run, and an open parent's due child
        await db.ExecuteAsync("""
            INSERT INTO workflow_runs (run_id, workflow_id, workflow_type, task_queue, status, started_at, closed_at, next_event_id, parent_notified)
            SELECT gen_random_uuid(), 'due-' || i, 'RetentionE2E', 'q', 'Completed', now() - interval '41 days',
                   now() - interval '40 days' + i * interval '1 millisecond', @Events + 1, true
            FROM generate_series(1, @DueRuns) i;
            INSERT INTO workflow_runs (run_id, workflow_id, workflow_type, task_queue, status, started_at, closed_at, next_event_id, parent_notified)
            VALUES ('00000000-0000-0000-0000-0000000000a1', 'young', 'RetentionE2E', 'q', 'Completed', now() - interval '2 days', now() - interval '1 day', @Events + 1, true),
                   ('00000000-0000-0000-0000-0000000000a2', 'open-parent', 'RetentionE2E', 'q', 'Running', now() - interval '50 days', NULL, @Events + 1, false);
            INSERT INTO workflow_runs (run_id, workflow_id, workflow_type, task_queue, status, started_at, closed_at, next_event_id, parent_run_id,
                parent_workflow_id, parent_notified)
            VALUES ('00000000-0000-0000-0000-0000000000a3', 'child-of-open', 'RetentionE2E', 'q', 'Completed', now() - interval '45 days',
                now() - interval '44 days', @Events + 1, '00000000-0000-0000-0000-0000000000a2', 'open-parent', true);
            INSERT INTO history_events (run_id, event_id, event_type, "timestamp", attributes)
            SELECT r.run_id, e, 'MarkerRecorded', r.started_at, json_build_object('n', e, 'pad', repeat('x', 160))
            FROM workflow_runs r, generate_series(1, @Events) e;
            """, new { DueRuns, Events }, commandTimeout: 120);

        // SIGKILL while a batch's DELETE runs (the engine's sweep looks every second)
        var killedAt = await WaitForDeleteAsync(db);
        cluster.KillEngine(0);
        output.WriteLine($"engine killed while a batch's DELETE ran (after {killedAt.TotalSeconds:F1} s)");
        // the killed engine's backend ends (its statement may finish first: its COMMIT never comes)
        for (var deadline = DateTime.UtcNow.AddSeconds(60); await DeletingAsync(db);)
        {
            Assert.True(DateTime.UtcNow < deadline, "the killed engine's DELETE is still running after 60 s");
            await Task.Delay(100);
        }

        var (runs, partial, orphans) = await StateAsync(db);
        var deleted = DueRuns + 3 - runs;
        output.WriteLine($"after the kill: {deleted} runs deleted, {partial} with part of their history, {orphans} orphan events");
        Assert.Equal((0L, 0L), (partial, orphans));
        Assert.Equal(0, deleted % BatchSize); // whole batches only: the killed one rolled back whole
        Assert.True(deleted < DueRuns, "every due run was gone at the kill; the test proves nothing");

        await cluster.StartEngineAsync(cluster.EngineUrl().Port, 0);
        for (var deadline = DateTime.UtcNow.AddSeconds(90); (await StateAsync(db)).Runs > 3;)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the restarted engine did not delete the rest: {await StateAsync(db)}\n{cluster.Logs()}");
            await Task.Delay(200);
        }
        var kept = (await db.QueryAsync<string>("SELECT workflow_id FROM workflow_runs ORDER BY workflow_id")).ToList();
        Assert.Equal(["child-of-open", "open-parent", "young"], kept);
        Assert.Equal((0L, 0L), ((await StateAsync(db)).Partial, (await StateAsync(db)).Orphans));
        Assert.Contains("Retention deleted", cluster.Logs(whole: true), StringComparison.Ordinal);
    }

    private static async Task<TimeSpan> WaitForDeleteAsync(NpgsqlConnection db)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await DeletingAsync(db))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "no retention DELETE ran within 60 s");
            await Task.Delay(5);
        }
        return clock.Elapsed;
    }

    private static async Task<bool> DeletingAsync(NpgsqlConnection db) => await db.ExecuteScalarAsync<bool>("""
        SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                       AND state = 'active' AND query LIKE '%DELETE FROM workflow_runs%')
        """);

    /// <summary>Runs left; runs whose history is neither whole nor gone; events whose run is gone.</summary>
    private static async Task<(long Runs, long Partial, long Orphans)> StateAsync(NpgsqlConnection db) =>
        await db.QuerySingleAsync<(long, long, long)>("""
            SELECT (SELECT count(*) FROM workflow_runs),
                   (SELECT count(*) FROM workflow_runs r WHERE (SELECT count(*) FROM history_events h WHERE h.run_id = r.run_id) <> @Events),
                   (SELECT count(*) FROM history_events h WHERE NOT EXISTS (SELECT 1 FROM workflow_runs r WHERE r.run_id = h.run_id))
            """, new { Events });
}
