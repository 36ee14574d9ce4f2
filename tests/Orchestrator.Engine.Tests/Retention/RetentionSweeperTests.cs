using System.Diagnostics;
using System.Diagnostics.Metrics;
using Dapper;
using Npgsql;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Retention;

namespace Orchestrator.Engine.Tests.Retention;

/// <summary>
/// Retention against a real PostgreSQL: what is due goes with every row of it, nothing else goes, in bounded batches,
/// past rows the hot path holds, with several sweepers at once.
/// </summary>
public sealed class RetentionSweeperTests
{
    private static readonly TimeSpan Due = TimeSpan.FromDays(40);
    private static readonly TimeSpan Young = TimeSpan.FromDays(10);

    private static RetentionOptions Options(int batchSize = 500) => new() { BatchSize = batchSize, BatchPause = TimeSpan.Zero };

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Sweep_DeletesDueClosedRuns_WithEveryRowOfTheirs_AndNothingElse()
    {
        await using var db = await RetentionDatabase.CreateAsync();
        var completed = TestRun.Closed(Due);
        var failed = TestRun.Closed(TimeSpan.FromDays(31), "Failed");
        var terminated = TestRun.Closed(Due, "Terminated");
        var continued = TestRun.Closed(Due, "ContinuedAsNew");
        var young = TestRun.Closed(Young);
        var open = TestRun.Open();
        var openParent = TestRun.Open();
        var childOfOpenParent = TestRun.Closed(Due, parent: openParent.RunId);
        var closedParent = TestRun.Closed(Due);
        var childOfClosedParent = TestRun.Closed(Due, parent: closedParent.RunId);
        var parentOfOpenChild = TestRun.Closed(Due);
        var openChild = TestRun.Open(parent: parentOfOpenChild.RunId);
        var parentOfUntoldChild = TestRun.Closed(Due);
        var untoldChild = TestRun.Closed(Due, parent: parentOfUntoldChild.RunId, parentNotified: false);
        TestRun[] deleted = [completed, failed, terminated, continued, closedParent, childOfClosedParent];
        TestRun[] kept = [young, open, openParent, childOfOpenParent, parentOfOpenChild, openChild, parentOfUntoldChild, untoldChild];
        await db.InsertAsync([.. deleted, .. kept]);
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            // rows that name a deleted run but are another thing's record: a schedule's action, a batch's item, a trigger's claim
            await connection.ExecuteAsync("""
                INSERT INTO schedules (schedule_id, spec, action, policy, cursor_at, created_at, updated_at) VALUES ('s', '{}', '{}', '{}', now(), now(), now());
                INSERT INTO schedule_actions (schedule_id, scheduled_at, actual_at, workflow_id, run_id, kind, fired_by, done)
                VALUES ('s', now(), now(), @WorkflowId, @RunId, 'scheduled', 'e', true);
                INSERT INTO batches (batch_id, operation, query, max_per_second, state, created_at) VALUES (@Batch, 'terminate', 'q', 1, 'Completed', now());
                INSERT INTO batch_items (batch_id, seq, run_id, workflow_id, state) VALUES (@Batch, 1, @RunId, @WorkflowId, 'Done');
                INSERT INTO triggers (trigger_id, source_kind, event_type, definition, created_at, updated_at) VALUES ('t', 'cloudevents', 'x', '{}', now(), now());
                INSERT INTO trigger_deliveries (trigger_id, event_source, event_id, workflow_id, delivered_at) VALUES ('t', '/s', 'e1', @WorkflowId, now());
                """, new { completed.WorkflowId, completed.RunId, Batch = Guid.NewGuid() });
        }

        var result = await db.Sweeper(Options()).SweepAsync(CancellationToken.None);

        Assert.Equal((deleted.Length, 1, false), (result.Deleted, result.Batches, result.Skipped));
        var rows = await db.RowsAsync([.. deleted.Select(r => r.RunId), .. kept.Select(r => r.RunId)]);
        Assert.All(deleted, r => Assert.Equal(RetentionDatabase.Gone, rows[r.RunId]));
        Assert.All(kept, r => Assert.Equal(RetentionDatabase.Whole(), rows[r.RunId]));
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            Assert.Equal((1L, 1L, 1L), await connection.QuerySingleAsync<(long, long, long)>(
                "SELECT (SELECT count(*) FROM schedule_actions), (SELECT count(*) FROM batch_items), (SELECT count(*) FROM trigger_deliveries)"));
        }
        Assert.Equal(0, (await db.Sweeper(Options()).SweepAsync(CancellationToken.None)).Deleted);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Sweep_ChildOfAnOpenParent_IsDeletedOnceTheParentClosedAndBothAreDue()
    {
        await using var db = await RetentionDatabase.CreateAsync();
        var parent = TestRun.Open();
        var child = TestRun.Closed(Due, parent: parent.RunId);
        await db.InsertAsync([parent, child]);

        Assert.Equal(0, (await db.Sweeper(Options()).SweepAsync(CancellationToken.None)).Deleted);
        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE workflow_runs SET status = 'Completed', closed_at = now() - interval '5 days' WHERE run_id = @RunId", new { parent.RunId });
        }
        // the parent closed, but is not due yet: the child (due) goes, the parent stays
        Assert.Equal(1, (await db.Sweeper(Options()).SweepAsync(CancellationToken.None)).Deleted);
        Assert.Equal(RetentionDatabase.Whole(), (await db.RowsAsync([parent.RunId]))[parent.RunId]);
        Assert.Equal(1, (await db.Sweeper(new RetentionOptions { ClosedRuns = TimeSpan.FromDays(1) }).SweepAsync(CancellationToken.None)).Deleted);

        var rows = await db.RowsAsync([parent.RunId, child.RunId]);
        Assert.Equal(RetentionDatabase.Gone, rows[parent.RunId]);
        Assert.Equal(RetentionDatabase.Gone, rows[child.RunId]);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Sweep_ZeroWindow_KeepsEveryRun()
    {
        await using var db = await RetentionDatabase.CreateAsync();
        var ancient = TestRun.Closed(TimeSpan.FromDays(3650));
        await db.InsertAsync([ancient]);

        var result = await db.Sweeper(new RetentionOptions { ClosedRuns = TimeSpan.Zero }).SweepAsync(CancellationToken.None);

        Assert.Equal((0L, true), (result.Deleted, result.Skipped));
        Assert.Equal(RetentionDatabase.Whole(), (await db.RowsAsync([ancient.RunId]))[ancient.RunId]);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Sweep_DeletesInTransactionsOfAtMostBatchSizeRuns_CountedOnTheMeter()
    {
        await using var db = await RetentionDatabase.CreateAsync();
        var due = Enumerable.Range(0, 50).Select(i => TestRun.Closed(Due + TimeSpan.FromMinutes(i))).ToList();
        await db.InsertAsync(due);
        var batches = new List<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == RetentionDatabase.Meters && instrument.Name == "orchestrator.retention.deleted_runs")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            lock (batches)
            {
                batches.Add(value);
            }
        });
        listener.Start();

        var result = await db.Sweeper(Options(batchSize: 7)).SweepAsync(CancellationToken.None);

        Assert.Equal((50L, 8), (result.Deleted, result.Batches));
        Assert.Equal([7, 7, 7, 7, 7, 7, 7, 1], batches);
        Assert.All((await db.RowsAsync(due.Select(r => r.RunId))).Values, counts => Assert.Equal(RetentionDatabase.Gone, counts));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Sweep_KeptRunsBeforeTheDueOnes_DoNotStallIt()
    {
        await using var db = await RetentionDatabase.CreateAsync();
        var parent = TestRun.Open();
        // the oldest closed runs are children of an open parent: kept, and more of them than a batch
        var kept = Enumerable.Range(0, 12).Select(i => TestRun.Closed(TimeSpan.FromDays(90) + TimeSpan.FromMinutes(i), parent: parent.RunId)).ToList();
        var due = Enumerable.Range(0, 13).Select(i => TestRun.Closed(Due + TimeSpan.FromMinutes(i))).ToList();
        await db.InsertAsync([parent, .. kept, .. due]);

        var result = await db.Sweeper(Options(batchSize: 5)).SweepAsync(CancellationToken.None);

        Assert.Equal((13L, 3), (result.Deleted, result.Batches));
        var rows = await db.RowsAsync([.. kept.Select(r => r.RunId), .. due.Select(r => r.RunId)]);
        Assert.All(kept, r => Assert.Equal(RetentionDatabase.Whole(), rows[r.RunId]));
        Assert.All(due, r => Assert.Equal(RetentionDatabase.Gone, rows[r.RunId]));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Sweep_RunLockedByTheHotPath_IsSkippedNotWaitedFor_AndDeletedByALaterSweep()
    {
        await using var db = await RetentionDatabase.CreateAsync();
        var locked = TestRun.Closed(TimeSpan.FromDays(60));
        var others = Enumerable.Range(0, 5).Select(_ => TestRun.Closed(Due)).ToList();
        await db.InsertAsync([locked, .. others]);
        await using var hotPath = await db.DataSource.OpenConnectionAsync();
        var tx = await hotPath.BeginTransactionAsync();
        await hotPath.ExecuteAsync(SqlStatements.LockRun, new { locked.RunId }, tx); // as RunShell locks a run

        var clock = Stopwatch.StartNew();
        var first = await db.Sweeper(Options()).SweepAsync(CancellationToken.None);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the sweep waited {clock.Elapsed}");
        Assert.Equal(5, first.Deleted);
        Assert.Equal(RetentionDatabase.Whole(), (await db.RowsAsync([locked.RunId]))[locked.RunId]);
        await tx.CommitAsync();
        Assert.Equal(1, (await db.Sweeper(Options()).SweepAsync(CancellationToken.None)).Deleted);
        Assert.Equal(RetentionDatabase.Gone, (await db.RowsAsync([locked.RunId]))[locked.RunId]);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Sweep_ARowOfTheBatchLockedElsewhere_GivesUpWithinTheLockTimeout_AndDeletesNothingOfTheBatch()
    {
        await using var db = await RetentionDatabase.CreateAsync();
        var runs = Enumerable.Range(0, 4).Select(i => TestRun.Closed(Due + TimeSpan.FromMinutes(i))).ToList();
        await db.InsertAsync(runs);
        await using var deliverer = await db.DataSource.OpenConnectionAsync();
        var tx = await deliverer.BeginTransactionAsync();
        // an external request being delivered: its row is locked first, then its run (ExternalRequestStatements.Take)
        await deliverer.ExecuteAsync(ExternalRequestStatements.Take, new { runs[2].RunId, Seq = 1 }, tx);

        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PostgresException>(() => db.Sweeper(Options()).SweepAsync(CancellationToken.None));

        Assert.Equal(PostgresErrorCodes.LockNotAvailable, error.SqlState);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the sweep waited {clock.Elapsed}");
        Assert.All((await db.RowsAsync(runs.Select(r => r.RunId))).Values, counts => Assert.Equal(RetentionDatabase.Whole(), counts));
        // meanwhile the hot path can lock every run of the rolled back batch at once
        await using (var hotPath = await db.DataSource.OpenConnectionAsync())
        {
            await using var other = await hotPath.BeginTransactionAsync();
            await hotPath.ExecuteAsync("SET LOCAL lock_timeout = '1s'", transaction: other);
            Assert.Equal(3, (await hotPath.QueryAsync<Guid>("SELECT run_id FROM workflow_runs WHERE run_id = ANY(@Ids) FOR UPDATE",
                new { Ids = runs.Where(r => r != runs[2]).Select(r => r.RunId).ToArray() }, other)).Count());
        }
        await tx.CommitAsync();
        Assert.Equal(4, (await db.Sweeper(Options()).SweepAsync(CancellationToken.None)).Deleted);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Sweep_SeveralEnginesAtOnce_OneSweepsTheOthersSkip_AndEveryRunIsDeletedOnce()
    {
        await using var db = await RetentionDatabase.CreateAsync();
        var runs = Enumerable.Range(0, 300).Select(i => TestRun.Closed(Due + TimeSpan.FromSeconds(i))).ToList();
        await db.InsertAsync(runs);
        var sources = Enumerable.Range(0, 3).Select(_ => NpgsqlDataSource.Create(db.ConnectionString)).ToList();
        try
        {
            // slow batches, so that the sweeps overlap
            var options = new RetentionOptions { BatchSize = 20, BatchPause = TimeSpan.FromMilliseconds(20) };
            var results = await Task.WhenAll(sources.Select(s => Task.Run(() => db.Sweeper(options, s).SweepAsync(CancellationToken.None))));

            Assert.Equal(300, results.Sum(r => r.Deleted));
            Assert.Single(results, r => r.Deleted > 0); // the one holding the sweep lock; the others skipped (or came after it)
        }
        finally
        {
            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }
        Assert.All((await db.RowsAsync(runs.Select(r => r.RunId))).Values, counts => Assert.Equal(RetentionDatabase.Gone, counts));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Sweep_KilledMidBatch_LeavesEveryRunOfTheBatchWhole_AndTheNextSweepDeletesThem()
    {
        // the engine dies (kill -9) while its batch's DELETE runs: PostgreSQL ends the session and rolls the batch back,
        // as pg_terminate_backend does here; no run may be left half-deleted (its row gone and some history left, or the reverse)
        await using var db = await RetentionDatabase.CreateAsync();
        var runs = Enumerable.Range(0, 5000).Select(i => TestRun.Closed(Due + TimeSpan.FromSeconds(i))).ToList();
        await db.InsertAsync(runs);
        var sweeping = Task.Run(() => db.Sweeper(new RetentionOptions { BatchSize = 5000, BatchPause = TimeSpan.Zero }).SweepAsync(CancellationToken.None));
        await using (var watcher = await db.DataSource.OpenConnectionAsync())
        {
            var killed = false;
            for (var deadline = DateTime.UtcNow.AddSeconds(20); !killed && !sweeping.IsCompleted && DateTime.UtcNow < deadline;)
            {
                // the batch's statement, running (not the sweep lock's, not this one)
                killed = await watcher.ExecuteScalarAsync<bool?>("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%DELETE FROM workflow_runs%'
                    LIMIT 1
                    """) ?? false;
            }
            Assert.True(killed, "the batch finished before it could be killed; the test proves nothing");
        }
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => sweeping);

        var rows = await db.RowsAsync(runs.Select(r => r.RunId));
        Assert.All(runs, r => Assert.Equal(RetentionDatabase.Whole(), rows[r.RunId]));
        Assert.Equal(5000, (await db.Sweeper(Options(batchSize: 5000)).SweepAsync(CancellationToken.None)).Deleted);
        Assert.All((await db.RowsAsync(runs.Select(r => r.RunId))).Values, counts => Assert.Equal(RetentionDatabase.Gone, counts));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task DeleteBatch_OnConnectionsWithoutTheSweepLock_TakesDisjointRuns_WithoutWaitingOrDeadlock()
    {
        // the sweep lock is a courtesy (one pace for the database); row locks alone keep concurrent batches apart
        await using var db = await RetentionDatabase.CreateAsync();
        var runs = Enumerable.Range(0, 400).Select(i => TestRun.Closed(Due + TimeSpan.FromSeconds(i))).ToList();
        await db.InsertAsync(runs);
        var before = DateTime.UtcNow - TimeSpan.FromDays(30);

        var counts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await using var sweep = new RetentionSweepConnection(await db.DataSource.OpenConnectionAsync());
            long total = 0;
            for (var cursor = RetentionCursor.Start; ;)
            {
                var (deleted, next) = await sweep.DeleteBatchAsync(before, 10, cursor, CancellationToken.None);
                total += deleted;
                if (deleted < 10)
                {
                    return total;
                }
                cursor = next;
            }
        })));

        Assert.Equal(400, counts.Sum());
        Assert.All((await db.RowsAsync(runs.Select(r => r.RunId))).Values, c => Assert.Equal(RetentionDatabase.Gone, c));
    }
}
