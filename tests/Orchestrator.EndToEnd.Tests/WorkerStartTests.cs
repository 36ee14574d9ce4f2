namespace Orchestrator.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class WorkerStartTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task WorkerStartsWithTasksWaitingInItsQueue_TakesThemAll_NoneFaultsToTheErrorQueue()
    {
        // A worker's bus delivers what waits in its queues as soon as it starts. Its answers must wait for the send endpoint
        // to the engine instead of failing ("bus not started"), which moved those tasks to the _error queue until the engine
        // sent them again after its workflow task timeout (here 5 min, so a test relying on that would time out).
        Broker.Ctl();
        await using var cluster = await Cluster.StartAsync(workers: 0,
            engineEnvironment: new Dictionary<string, string> { ["Orchestrator__Engine__WorkflowTaskTimeout"] = "00:05:00" });
        var ids = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => cluster.StartWorkflowAsync("ThreeStepWorkflow", 0, $"waiting-{i}")));
        var queue = $"orchestrator-workflow-{cluster.TaskQueue}";
        var deadline = DateTime.UtcNow + Cluster.Timeout;
        while (await Broker.QueueDepthAsync(queue) != ids.Length)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the workflow tasks never reached {queue}.\n{cluster.Logs()}");
            await Task.Delay(100);
        }

        cluster.StartWorker();

        foreach (var id in ids)
        {
            Assert.Equal("Completed", (await cluster.WaitClosedAsync(id, TimeSpan.FromSeconds(90))).GetProperty("status").GetString());
        }
        Assert.True((await Broker.QueueDepthAsync(queue + "_error") ?? 0) == 0, $"tasks faulted to {queue}_error.\n{cluster.Logs()}");
        await Invariants.AssertAllRunsSoundAsync(cluster, ids.Length);
    }
}
