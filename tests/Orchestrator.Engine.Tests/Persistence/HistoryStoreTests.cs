using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Tests.Persistence;

public sealed class HistoryStoreTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    private HistoryStore Store => db.Store;

    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static NewEvent Event(string type, object attributes) =>
        new(type, JsonSerializer.Serialize(attributes), DateTimeOffset.UtcNow);

    private async Task<Guid> CreateRunAsync(params NewEvent[] first)
    {
        var run = new WorkflowRunRecord
        {
            RunId = Guid.NewGuid(), WorkflowId = "wf-" + Guid.NewGuid().ToString("N"), WorkflowType = "Test",
            TaskQueue = "default", Status = RunStatus.Running, StartedAt = Now.UtcDateTime, Input = "{\"a\":1}",
        };
        var (connection, tx) = await Store.BeginAsync();
        await using (connection)
        await using (tx)
        {
            await Store.CreateRunAsync(tx, run, first);
            await tx.CommitAsync();
        }
        return run.RunId;
    }

    private async Task<long> AppendAsync(Guid runId, long expected, IReadOnlyList<NewEvent> events)
    {
        var (connection, tx) = await Store.BeginAsync();
        await using (connection)
        await using (tx)
        {
            var next = await Store.AppendAsync(tx, runId, expected, events);
            await tx.CommitAsync();
            return next;
        }
    }

    private async Task<List<StoredEvent>> ReadAllAsync(Guid runId, int pageSize = 1000)
    {
        var all = new List<StoredEvent>();
        long after = 0;
        while (true)
        {
            var page = await Store.ReadHistoryAsync(runId, after, pageSize);
            all.AddRange(page);
            if (page.Count < pageSize)
            {
                return all;
            }
            after = page[^1].EventId;
        }
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Append_SeveralBatches_EventsComeBackInOrderWithIdsOneToN()
    {
        var runId = await CreateRunAsync(Event("WorkflowStarted", new { n = 0 }), Event("WorkflowTaskScheduled", new { n = 1 }));
        long next = 3;
        for (var batch = 0; batch < 5; batch++)
        {
            next = await AppendAsync(runId, next, Enumerable.Range(0, 3).Select(i => Event("ActivityScheduled", new { batch, i })).ToList());
        }

        var events = await ReadAllAsync(runId);

        Assert.Equal(Enumerable.Range(1, 17).Select(i => (long)i), events.Select(e => e.EventId));
        Assert.Equal("WorkflowStarted", events[0].EventType);
        Assert.Equal("{\"batch\":4,\"i\":2}", events[^1].AttributesJson);
        Assert.Equal(18, (await Store.GetRunAsync(runId))!.NextEventId);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Append_EightRacingWriters_OneWinsEachRoundAndEveryLoserGetsAConflict()
    {
        var runId = await CreateRunAsync(Event("WorkflowStarted", new { }));
        const int Rounds = 50, Writers = 8;
        var winners = new List<int>();
        var conflicts = 0;

        for (var round = 0; round < Rounds; round++)
        {
            var expected = (await Store.GetRunAsync(runId))!.NextEventId; // every writer read the same state
            var ready = 0;
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var tasks = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
            {
                var (connection, tx) = await Store.BeginAsync();
                await using (connection)
                await using (tx)
                {
                    await using (var read = new NpgsqlCommand("SELECT 1", connection, tx))
                    {
                        await read.ExecuteScalarAsync(); // the transaction has really begun
                    }
                    if (Interlocked.Increment(ref ready) == Writers)
                    {
                        go.SetResult(); // all writers hold their transaction: release them together
                    }
                    await go.Task;
                    try
                    {
                        await Store.AppendAsync(tx, runId, expected,
                            [Event("SignalReceived", new { round, writer, part = 0 }), Event("SignalReceived", new { round, writer, part = 1 })]);
                        await tx.CommitAsync();
                        return (writer, won: true);
                    }
                    catch (ConcurrencyConflictException)
                    {
                        return (writer, won: false);
                    }
                }
            })).ToList();
            var results = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));
            var roundWinners = results.Where(r => r.won).Select(r => r.writer).ToList();
            Assert.Single(roundWinners);
            winners.Add(roundWinners[0]);
            conflicts += results.Count(r => !r.won);
        }

        Assert.Equal(Rounds * (Writers - 1), conflicts);
        var events = await ReadAllAsync(runId);
        Assert.Equal(Enumerable.Range(1, 1 + Rounds * 2).Select(i => (long)i), events.Select(e => e.EventId));
        for (var round = 0; round < Rounds; round++)
        {
            // only the winner's two events of each round landed, in order
            var pair = events.Skip(1 + round * 2).Take(2).Select(e => JsonDocument.Parse(e.AttributesJson).RootElement).ToList();
            Assert.All(pair, p => Assert.Equal(round, p.GetProperty("round").GetInt32()));
            Assert.All(pair, p => Assert.Equal(winners[round], p.GetProperty("writer").GetInt32()));
            Assert.Equal([0, 1], pair.Select(p => p.GetProperty("part").GetInt32()));
        }
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Append_WithStaleExpectedId_WritesNothing()
    {
        var runId = await CreateRunAsync(Event("WorkflowStarted", new { }));
        await AppendAsync(runId, 2, [Event("A", new { })]);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => AppendAsync(runId, 2, [Event("B", new { }), Event("C", new { })]));

        var events = await ReadAllAsync(runId);
        Assert.Equal(["WorkflowStarted", "A"], events.Select(e => e.EventType));
        Assert.Equal(3, (await Store.GetRunAsync(runId))!.NextEventId);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ReadHistory_TenThousandEventsInPages_ReturnsEachExactlyOnce()
    {
        var runId = await CreateRunAsync(Event("WorkflowStarted", new { }));
        long next = 2;
        for (var batch = 0; batch < 10; batch++)
        {
            var count = batch == 9 ? 999 : 1000;
            next = await AppendAsync(runId, next, Enumerable.Range(0, count).Select(i => Event("MarkerRecorded", new { batch, i })).ToList());
        }

        var events = await ReadAllAsync(runId, pageSize: 97);

        Assert.Equal(10_000, events.Count);
        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (long)i), events.Select(e => e.EventId));
        Assert.Equal(10_000, events.Select(e => e.EventId).Distinct().Count());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Payload_UnicodeNestedAndOneMegabyte_RoundTripsByteForByte()
    {
        var sb = new StringBuilder("{\"text\":\"zoë ✓ 日本語 👩‍💻 \\u0000 \\\"quoted\\\"\",  \"nested\": {\"a\": [1, 2.50, {\"b\": null}], \"z\": true, \"a2\": \"x\"}, \"blob\":\"");
        string[] pieces = ["Ä", "Ω", "ж", "€", "𝄞", "a", "b", "c"];
        var random = new Random(7);
        var bytes = 0;
        while (bytes < 1024 * 1024)
        {
            var piece = pieces[random.Next(pieces.Length)];
            sb.Append(piece);
            bytes += Encoding.UTF8.GetByteCount(piece);
        }
        sb.Append("\"}");
        var json = sb.ToString();
        var runId = await CreateRunAsync(Event("WorkflowStarted", new { }));

        await AppendAsync(runId, 2, [new NewEvent("SignalReceived", json, DateTimeOffset.UtcNow)]);

        var stored = (await ReadAllAsync(runId))[1];
        Assert.True(Encoding.UTF8.GetByteCount(json) > 1024 * 1024);
        Assert.Equal(Encoding.UTF8.GetBytes(json), Encoding.UTF8.GetBytes(stored.AttributesJson));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task CreateRun_WhileARunWithTheSameIdIsOpen_ThrowsAndWritesNothing()
    {
        var workflowId = "dup-" + Guid.NewGuid();
        WorkflowRunRecord NewRun() => new()
        {
            RunId = Guid.NewGuid(), WorkflowId = workflowId, WorkflowType = "T", TaskQueue = "q", Status = RunStatus.Running,
            StartedAt = DateTime.UtcNow,
        };
        var first = NewRun();
        var (c1, t1) = await Store.BeginAsync();
        await using (c1)
        await using (t1)
        {
            await Store.CreateRunAsync(t1, first, [Event("WorkflowStarted", new { })]);
            await t1.CommitAsync();
        }

        var second = NewRun();
        var (c2, t2) = await Store.BeginAsync();
        await using (c2)
        await using (t2)
        {
            await Assert.ThrowsAsync<WorkflowAlreadyRunningException>(() => Store.CreateRunAsync(t2, second, [Event("WorkflowStarted", new { })]));
        }

        Assert.Null(await Store.GetRunAsync(second.RunId));
        Assert.Equal(first.RunId, (await Store.GetLatestRunAsync(workflowId))!.RunId);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task AppendEvents_IsOneStatement_EventIdsAreUniquePerRunInTheSchema()
    {
        // the primary key (run_id, event_id) is the last line of defence against a duplicate id
        var runId = await CreateRunAsync(Event("WorkflowStarted", new { }));
        await using var connection = await db.DataSource.OpenConnectionAsync();
        var e = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            "INSERT INTO history_events (run_id, event_id, event_type, \"timestamp\", attributes) VALUES (@runId, 1, 'X', now(), '{}')",
            new { runId }));
        Assert.Equal("23505", e.SqlState);
    }
}
