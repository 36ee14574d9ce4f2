using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class RetryAcrossRestartTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task RetryPendingWhileTheEngineRestarts_StillHappens_OnceEach()
    {
        await using var cluster = await Cluster.StartAsync();
        var dir = NewMarkDirectory();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var workflowDir = Path.Combine(dir, i.ToString());
            Directory.CreateDirectory(workflowDir);
            ids.Add(await cluster.StartWorkflowAsync("FlakyWorkflow", new { dir = workflowDir, n = 1, initialSeconds = 4.0 }, $"retry-restart-{i}"));
        }
        foreach (var id in ids)
        {
            await WaitForEventAsync(cluster, id, "ActivityAttemptFailed"); // attempt 1 failed; attempt 2 waits out a 4 s back-off
        }

        await cluster.RestartEngineAsync(0);

        for (var i = 0; i < ids.Count; i++)
        {
            var closed = await cluster.WaitClosedAsync(ids[i]);
            Assert.Equal(2, closed.GetProperty("result").GetInt32());
            Assert.Equal(["start 1", "start 2"], Lines(Path.Combine(dir, i.ToString())).Select(l => l[..l.LastIndexOf(' ')]));
            var history = await cluster.HistoryAsync(ids[i]);
            Assert.Single(history, e => e.EventType == "ActivityAttemptFailed");
            Assert.Single(history, e => e.EventType == "ActivityCompleted");
        }
        await Invariants.AssertAllRunsSoundAsync(cluster, ids.Count);
    }
}
