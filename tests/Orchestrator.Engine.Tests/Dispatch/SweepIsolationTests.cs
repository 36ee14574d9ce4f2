using Dapper;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;

namespace Orchestrator.Engine.Tests.Dispatch;

/// <summary>One item that cannot be handled neither stops the others nor is retried in a hot loop.</summary>
public sealed class SweepIsolationTests
{
    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task PoisonActivityFirstInLine_OtherDueActivitiesAreStillHandled_AndThePoisonIsBackedOff()
    {
        var logs = new LogCapture();
        // one item per look, looking every 50 ms: the poison is first in line at every look unless it is put aside
        await using var engine = await InProcessEngine.StartAsync(s =>
        {
            s.SweepBatchSize = 1;
            s.SweepInterval = TimeSpan.FromMilliseconds(50);
        }, logs);
        var runs = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var runId = await EngineDriver.StartAsync(engine, $"sweep-{i}");
            await EngineDriver.AnswerAsync(engine, runId, new ScheduleActivityCommand(1, "Work", System.Text.Json.JsonDocument.Parse("[]").RootElement.Clone(),
                StartToCloseTimeout: TimeSpan.FromHours(1)));
            runs.Add(runId);
        }
        var poison = runs[0];
        await using (var connection = engine.Connect())
        {
            // every attempt's deadline has passed; the poison's options cannot be read, and it is the most overdue
            await connection.ExecuteAsync("UPDATE activity_tasks SET dispatch_after = now() - interval '1 minute', attempt_deadline = now() - interval '1 minute'");
            await connection.ExecuteAsync("UPDATE activity_tasks SET options = '{\"seq\":\"not a number\"}', dispatch_after = now() - interval '1 hour' WHERE run_id = @poison",
                new { poison });
        }

        await EngineDriver.WaitUntilAsync(async () =>
        {
            await using var connection = engine.Connect();
            return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM activity_tasks WHERE attempt = 2") == 3;
        }, TimeSpan.FromSeconds(20), "the three good activities to time out and be scheduled again");
        await Task.Delay(TimeSpan.FromSeconds(2));

        await using (var connection = engine.Connect())
        {
            Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT attempt FROM activity_tasks WHERE run_id = @poison", new { poison }));
        }
        var failures = logs.Entries.Where(e => e.EventId == 150).ToList();
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.Contains(poison.ToString(), f.Message));
        // looks every 50 ms for several seconds; backing off 1 s, 2 s, 4 s... the poison is tried a handful of times
        Assert.InRange(failures.Count, 1, 5);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task PoisonOutboxRowsFirstInLine_LaterRowsAreSent_AndThePoisonIsKeptWithItsAttempts()
    {
        await using var engine = await InProcessEngine.StartAsync();
        var queue = "inproc-outbox-" + Guid.NewGuid().ToString("N")[..8];
        var good = new ActivityTaskMessage(Guid.NewGuid(), "wf", 5, 1, "Work", queue, System.Text.Json.JsonDocument.Parse("[]").RootElement.Clone(),
            null, null, null, null);
        await using (var connection = engine.Connect())
        {
            // rows left by a crash (older than the sweep's 5 s): two that cannot be read first, then two good ones
            const string insert = "INSERT INTO outbox (destination, message_type, message, created_at) VALUES (@d, @t, @m::json, now() - interval '1 minute')";
            await connection.ExecuteAsync(insert, new { d = "orchestrator-activity-" + queue, t = "no-such-type", m = "{}" });
            await connection.ExecuteAsync(insert, new { d = "orchestrator-activity-" + queue, t = "activity-task", m = "\"not a message\"" });
            for (var i = 0; i < 2; i++)
            {
                await connection.ExecuteAsync(insert, new { d = "orchestrator-activity-" + queue, t = "activity-task", m = System.Text.Json.JsonSerializer.Serialize(good, HistoryJson.Options) });
            }
        }

        await EngineDriver.WaitUntilAsync(async () =>
        {
            await using var connection = engine.Connect();
            return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox WHERE message_type = 'activity-task' AND message::text LIKE '{%'") == 0;
        }, TimeSpan.FromSeconds(20), "the good rows behind the poison to be sent");
        await Task.Delay(TimeSpan.FromSeconds(5));

        await using (var connection = engine.Connect())
        {
            var kept = (await connection.QueryAsync<(int Attempts, string? LastError, DateTime? NextAttemptAt)>(
                "SELECT attempts, last_error, next_attempt_at FROM outbox ORDER BY id")).ToList();
            Assert.Equal(2, kept.Count); // never deleted: kept for an operator
            Assert.All(kept, row =>
            {
                Assert.InRange(row.Attempts, 1, 3); // the sweep runs every 2 s; its back-off doubles from 1 s
                Assert.False(string.IsNullOrEmpty(row.LastError));
                Assert.NotNull(row.NextAttemptAt);
            });
        }
    }
}
