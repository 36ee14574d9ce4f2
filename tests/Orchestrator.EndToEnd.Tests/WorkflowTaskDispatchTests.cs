using System.Diagnostics;
using Dapper;
using MassTransit;
using Npgsql;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Messages;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>How the engine sends workflow tasks: a durable "sent" mark, re-sends with back-off, answers of old attempts.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class WorkflowTaskDispatchTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task DispatchedTaskWhoseSendWasNeverConfirmed_IsSentAgainWithinSeconds_WithTheSameAttempt()
    {
        // The workflow_tasks row is a task message's durable record: the relay marks it sent once the broker confirmed the
        // message. A dispatched task without that mark (the engine crashed between the commit and the send, or the send timed
        // out on a dead channel) is sent again within seconds, not after the workflow task timeout (here 5 min).
        Broker.Ctl();
        await using var cluster = await Cluster.StartAsync(workers: 0,
            engineEnvironment: new Dictionary<string, string> { ["Orchestrator__Engine__WorkflowTaskTimeout"] = "00:05:00" });
        var id = await cluster.StartWorkflowAsync("ThreeStepWorkflow", 0, "unsent-" + Guid.NewGuid().ToString("N")[..6]);
        var queue = $"orchestrator-workflow-{cluster.TaskQueue}";
        await WaitUntilAsync(async () => (await TaskRowAsync(cluster)).Sent, "the relay to mark the task sent", cluster);
        await WaitUntilAsync(async () => await Broker.QueueDepthAsync(queue) >= 1, "the first task to reach its queue", cluster);

        await Broker.RunAsync($"purge_queue {queue}");                           // the message is gone...
        await using (var db = new NpgsqlConnection(cluster.Postgres))                   // ...and was never confirmed
        {
            await db.ExecuteAsync("UPDATE workflow_tasks SET sent = false, dispatched_at = now() - interval '1 minute'");
        }

        // Timed by the engine's own record of the re-send (dispatched_at moves to the hand-over), read from PostgreSQL: a
        // rabbitmqctl poll of the queue takes seconds of its own on a loaded machine (one took 43 s in CI at load ~100
        // while the engine had re-sent at once). That the message reached its queue is checked after, without a bound.
        var resent = Stopwatch.StartNew();
        await WaitUntilAsync(async () => await DispatchedSecondsAgoAsync(cluster) < 30, "the task to be handed to the relay again", cluster);
        Assert.True(resent.Elapsed < TimeSpan.FromSeconds(30), $"handed over again after {resent.Elapsed}");
        await WaitUntilAsync(async () => await Broker.QueueDepthAsync(queue) >= 1, "the task to be sent again", cluster);
        var row = await TaskRowAsync(cluster);
        Assert.Equal(1, row.Attempt);                                                    // the same attempt: no worker had it
        await WaitUntilAsync(async () => (await TaskRowAsync(cluster)).Sent, "the re-send to be marked sent", cluster);

        cluster.StartWorker();
        Assert.Equal("Completed", (await cluster.WaitClosedAsync(id)).GetProperty("status").GetString());
        await Invariants.AssertAllRunsSoundAsync(cluster, 1);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TaskNobodyAnswers_IsSentAgainWithDoublingTimeouts_NotEveryTimeout()
    {
        // no worker: every send of the task goes unanswered. Timeout 1 s, doubling: sends at about 0, 1, 3, 7 and 15 s.
        await using var cluster = await Cluster.StartAsync(workers: 0, engineEnvironment: new Dictionary<string, string>
        {
            ["Orchestrator__Engine__WorkflowTaskTimeout"] = "00:00:01",
            ["Orchestrator__Engine__MaxWorkflowTaskTimeout"] = "00:01:00",
        });
        var id = await cluster.StartWorkflowAsync("ThreeStepWorkflow", 0, "unanswered-" + Guid.NewGuid().ToString("N")[..6]);
        var started = Stopwatch.StartNew();
        await WaitUntilAsync(async () => (await TaskRowAsync(cluster)).Timeouts >= 3, "three overdue answers", cluster);
        var elapsed = started.Elapsed;

        // 1 + 2 + 4 s of timeouts at least (a fixed 1 s timeout would have got there in about 3 s)
        Assert.True(elapsed >= TimeSpan.FromSeconds(6), $"three timeouts after {elapsed}");
        var row = await TaskRowAsync(cluster);
        Assert.Equal(4, row.Attempt);

        cluster.StartWorker();
        Assert.Equal("Completed", (await cluster.WaitClosedAsync(id)).GetProperty("status").GetString());
        var history = await cluster.HistoryAsync(id);
        Assert.DoesNotContain(history, e => e.EventType == "WorkflowTaskFailed");      // overdue answers are not failures
        await Invariants.AssertAllRunsSoundAsync(cluster, 1);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task LateFailureOfAnOlderAttempt_DoesNotFailTheAttemptInFlight()
    {
        // attempt 1 was re-sent as attempt 2 (its answer was overdue); attempt 1's failure then arrives: it must be dropped,
        // or it would fail (and record the failure of) the task while attempt 2, which may yet complete, is in flight
        await using var cluster = await Cluster.StartAsync(workers: 0, engineEnvironment: new Dictionary<string, string>
        {
            ["Orchestrator__Engine__WorkflowTaskTimeout"] = "00:00:01",
            ["Orchestrator__Engine__MaxWorkflowTaskTimeout"] = "00:05:00",
        });
        var id = await cluster.StartWorkflowAsync("ThreeStepWorkflow", 0, "old-attempt-" + Guid.NewGuid().ToString("N")[..6]);
        await WaitUntilAsync(async () => (await TaskRowAsync(cluster)).Attempt >= 2, "a second attempt", cluster);
        var row = await TaskRowAsync(cluster);

        // as a worker answers: on the workers' broker user, into the engine queue's inbox exchange
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(new Uri(cluster.WorkerRabbitMq)));
        using var startLimit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await bus.StartAsync(startLimit.Token);
        try
        {
            var engine = await bus.GetSendEndpoint(new Uri($"exchange:{QueueNames.Inbox(cluster.EngineQueue)}"));
            await engine.Send(new WorkflowTaskFailedMessage(row.RunId, row.ScheduledEventId, 1,
                new FailureInfo("NonDeterminismException", "a late failure of attempt 1"), "test"));
        }
        finally
        {
            await bus.StopAsync();
        }
        await cluster.WaitForEngineLogAsync(
            l => l.Contains($"Dropped stale workflow task failure for run {row.RunId}", StringComparison.Ordinal), "that it dropped the failure of attempt 1");

        Assert.DoesNotContain(await cluster.HistoryAsync(id), e => e.EventType == "WorkflowTaskFailed");
        cluster.StartWorker();
        Assert.Equal("Completed", (await cluster.WaitClosedAsync(id)).GetProperty("status").GetString());
    }

    private sealed record TaskRow(Guid RunId, long ScheduledEventId, int Attempt, bool Sent, int Timeouts);

    private static async Task<TaskRow> TaskRowAsync(Cluster cluster)
    {
        await using var db = new NpgsqlConnection(cluster.Postgres);
        return await db.QuerySingleAsync<TaskRow>(
            "SELECT run_id AS RunId, scheduled_event_id AS ScheduledEventId, attempt AS Attempt, sent AS Sent, timeouts AS Timeouts FROM workflow_tasks");
    }

    /// <summary>How long ago the run's workflow task was last handed to the relay, by PostgreSQL's clock (the test set it a minute back).</summary>
    private static async Task<double> DispatchedSecondsAgoAsync(Cluster cluster)
    {
        await using var db = new NpgsqlConnection(cluster.Postgres);
        return await db.QuerySingleAsync<double>("SELECT extract(epoch FROM now() - dispatched_at)::float8 FROM workflow_tasks");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, Cluster cluster)
    {
        var deadline = DateTime.UtcNow + Cluster.Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}.\n{cluster.Logs()}");
            await Task.Delay(100);
        }
    }
}
