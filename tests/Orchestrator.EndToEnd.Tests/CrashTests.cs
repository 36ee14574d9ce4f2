using System.Diagnostics;

namespace Orchestrator.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class CrashTests
{
    [Fact]
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

    [Fact]
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

    [Fact]
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

    [Fact]
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
            Assert.Equal("Completed", (await cluster.WaitClosedAsync(id, TimeSpan.FromMinutes(3))).GetProperty("status").GetString());
        }
        await Invariants.AssertAllRunsSoundAsync(cluster, 20);
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

    private static async Task RunAsync(string script, string argument)
    {
        using var process = Process.Start(new ProcessStartInfo(script, argument) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"{script} {argument} failed: {await process.StandardError.ReadToEndAsync()}");
    }
}
