namespace Orchestrator.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class WorkflowLifecycleTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ThreeSequentialActivities_Completes_HistoryIsExactlyTheExpectedSequence()
    {
        await using var cluster = await Cluster.StartAsync();

        var id = await cluster.StartWorkflowAsync("ThreeStepWorkflow", 0);
        var closed = await cluster.WaitClosedAsync(id);

        Assert.Equal("Completed", closed.GetProperty("status").GetString());
        Assert.Equal("step1,step2,step3", closed.GetProperty("result").GetString());
        var history = await cluster.HistoryAsync(id);
        string[] task = ["WorkflowTaskScheduled", "WorkflowTaskStarted", "WorkflowTaskCompleted"];
        string[] activity = ["ActivityScheduled", "ActivityStarted", "ActivityCompleted"];
        string[] expected = ["WorkflowStarted", .. task, .. activity, .. task, .. activity, .. task, .. activity, .. task, "WorkflowCompleted"];
        Assert.Equal(expected, history.Select(e => e.EventType));
        Assert.Equal(Enumerable.Range(1, expected.Length).Select(i => (long)i), history.Select(e => e.EventId));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TwoHundredWorkflowsStartedAtOnce_AllCompleteExactlyOnce()
    {
        await using var cluster = await Cluster.StartAsync();

        var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => cluster.StartWorkflowAsync("ThreeStepWorkflow", 0, $"many-{i}")));
        foreach (var id in ids)
        {
            Assert.Equal("Completed", (await cluster.WaitClosedAsync(id)).GetProperty("status").GetString());
        }

        await Invariants.AssertAllRunsSoundAsync(cluster, 200);
    }
}
