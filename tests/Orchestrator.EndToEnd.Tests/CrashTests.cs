using System.Diagnostics;
using Xunit.Abstractions;

namespace Orchestrator.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class CrashTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task WorkerKilledMidActivity_ThenRestarted_WorkflowCompletes()
    {
        await using var cluster = await Cluster.StartAsync();
        var id = await cluster.StartWorkflowAsync("ThreeStepWorkflow", 3000);
        await WaitForEventAsync(cluster, id, "ActivityScheduled"); // the first activity is running on the worker

        cluster.KillWorker(0);
        cluster.StartWorker();

        var closed = await cluster.WaitClosedAsync(id);
        Assert.Equal("Completed", closed.GetProperty("status").GetString());
        await Invariants.AssertAllRunsSoundAsync(cluster, 1);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task EngineKilledWhileFiftyWorkflowsAreInFlight_ThenRestarted_AllCompleteOnceWithGapFreeHistories()
    {
        await using var cluster = await Cluster.StartAsync();
        var ids = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => cluster.StartWorkflowAsync("ThreeStepWorkflow", 200, $"inflight-{i}")));
        await WaitForEventAsync(cluster, ids[^1], "ActivityScheduled");

        await cluster.RestartEngineAsync(0);  // SIGKILL, then the same engine again

        foreach (var id in ids)
        {
            Assert.Equal("Completed", (await cluster.WaitClosedAsync(id)).GetProperty("status").GetString());
        }
        await Invariants.AssertAllRunsSoundAsync(cluster, 50);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TwoEnginesOnOneDatabaseAndBroker_TwoHundredWorkflows_AllCompleteOnce()
    {
        await using var cluster = await Cluster.StartAsync(engines: 2, workers: 1);

        var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => cluster.StartWorkflowAsync("ThreeStepWorkflow", 0, $"two-{i}", engine: i % 2)));
        foreach (var id in ids)
        {
            Assert.Equal("Completed", (await cluster.WaitClosedAsync(id)).GetProperty("status").GetString());
        }

        await Invariants.AssertAllRunsSoundAsync(cluster, 200);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task RabbitMqStoppedForTenSecondsMidRun_EveryWorkflowCompletes()
    {
        var rabbitmqctl = Environment.GetEnvironmentVariable("ORCHESTRATOR_TEST_RABBITMQCTL");
        Assert.False(string.IsNullOrEmpty(rabbitmqctl),
            "ORCHESTRATOR_TEST_RABBITMQCTL is not set: run through ./test.sh, which starts the broker and says how to stop it.");
        await using var cluster = await Cluster.StartAsync();
        var ids = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => cluster.StartWorkflowAsync("ThreeStepWorkflow", 500, $"outage-{i}")));
        await WaitForEventAsync(cluster, ids[^1], "ActivityScheduled");

        await RunAsync(rabbitmqctl!, "stop_app");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(10)); // the outage itself, not a wait for a condition
        }
        finally
        {
            await RunAsync(rabbitmqctl!, "start_app");
        }

        foreach (var id in ids)
        {
            try
            {
                Assert.Equal("Completed", (await cluster.WaitClosedAsync(id, TimeSpan.FromMinutes(3))).GetProperty("status").GetString());
            }
            catch (TimeoutException e)
            {
                // what the broker holds: a queue with messages and no consumer is a worker whose consumer the restart lost
                var queues = await RunAsync(rabbitmqctl!, "list_queues -q name messages_ready messages_unacknowledged consumers");
                throw new TimeoutException(e.Message + "\n" + await cluster.DumpRunStateAsync(id) + "\n--- queues ---\n" + queues, e);
            }
        }
        await Invariants.AssertAllRunsSoundAsync(cluster, 20);
        // how often a consumer lost in the restart was found and a bus replaced (worker event 1016, engine event 107)
        var logs = cluster.Logs(whole: true);
        output.WriteLine($"bus replaced by a worker: {Count(logs, "starting a new bus")}; bus restarted by the engine: {Count(logs, "restarting the bus")}");
    }

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task WorkflowTaskMessageLost_TheSweeperSendsItAgain_AndTheWorkflowCompletes()
    {
        // Workflow task messages have no outbox row: the workflow_tasks row is their durable record. Lose one on purpose
        // (no worker yet, queue purged) and the engine must send the task again after the workflow task timeout.
        var rabbitmqctl = Environment.GetEnvironmentVariable("ORCHESTRATOR_TEST_RABBITMQCTL");
        Assert.False(string.IsNullOrEmpty(rabbitmqctl),
            "ORCHESTRATOR_TEST_RABBITMQCTL is not set: run through ./test.sh, which starts the broker and says how to stop it.");
        await using var cluster = await Cluster.StartAsync(workers: 0,
            engineEnvironment: new Dictionary<string, string> { ["Orchestrator__Engine__WorkflowTaskTimeout"] = "00:00:02" });
        var id = await cluster.StartWorkflowAsync("ThreeStepWorkflow", 0, "lost-task");
        var queue = $"orchestrator-workflow-{cluster.TaskQueue}";
        var deadline = DateTime.UtcNow + Cluster.Timeout;
        // at least one: a quorum queue's message count in list_queues lags (the sweeper may have sent it again meanwhile)
        while (await QueueDepthAsync(rabbitmqctl!, queue) is null or < 1)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the workflow task never reached {queue}.\n{cluster.Logs()}");
            await Task.Delay(100);
        }
        await RunAsync(rabbitmqctl!, $"purge_queue {queue}");

        cluster.StartWorker();

        Assert.Equal("Completed", (await cluster.WaitClosedAsync(id)).GetProperty("status").GetString());
        await Invariants.AssertAllRunsSoundAsync(cluster, 1);
    }

    private static async Task WaitForEventAsync(Cluster cluster, string workflowId, string eventType)
    {
        var deadline = DateTime.UtcNow + Cluster.Timeout;
        while ((await cluster.HistoryAsync(workflowId)).All(e => e.EventType != eventType))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{workflowId} never recorded {eventType}.\n{cluster.Logs()}");
            await Task.Delay(50);
        }
    }

    private static async Task<int?> QueueDepthAsync(string rabbitmqctl, string queue)
    {
        var lines = (await RunAsync(rabbitmqctl, "list_queues -q name messages")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = lines.Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).FirstOrDefault(p => p.Length == 2 && p[0] == queue);
        return line is null ? null : int.Parse(line[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> RunAsync(string script, string argument)
    {
        using var process = Process.Start(new ProcessStartInfo(script, argument) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"{script} {argument} failed: {await process.StandardError.ReadToEndAsync()}");
        return await output;
    }
}
