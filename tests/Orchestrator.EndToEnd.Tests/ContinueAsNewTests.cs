using System.Net;
using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class ContinueAsNewTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TenThousandIterationsContinuingAsNewEvery500_RightResult_SmallRuns_SignalsDuringHandOversKept()
    {
        await using var cluster = await Cluster.StartAsync();
        const int total = 10_000, perRun = 500, signals = 4;
        var id = await cluster.StartWorkflowAsync("CounterWorkflow",
            new { done = 0, total, sum = 0L, perRun, expectedSignals = signals }, "counter-" + Guid.NewGuid().ToString("N")[..6]);

        // Send each signal right when a new run appears: it lands during or just after a hand-over.
        var seenRuns = new HashSet<string>();
        var sent = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(150);
        while (sent < signals && DateTime.UtcNow < deadline)
        {
            var describe = await DescribeAsync(cluster, id);
            if (seenRuns.Add(describe.GetProperty("runId").GetString()!) && seenRuns.Count > 1)
            {
                Assert.Equal(HttpStatusCode.Accepted, await SignalAsync(cluster, id, "extra", ++sent));
            }
            if (Status(describe) != "Running")
            {
                break;
            }
            await Task.Delay(20);
        }
        Assert.Equal(signals, sent);

        var closed = await cluster.WaitClosedAsync(id, TimeSpan.FromSeconds(180));
        Assert.Equal("Completed", Status(closed));
        Assert.Equal($"{(long)total * (total + 1) / 2}|1,2,3,4", closed.GetProperty("result").GetString());

        var runs = await cluster.AllRunsAsync();
        Assert.Equal(total / perRun, runs.Count);
        Assert.Equal(total / perRun - 1, runs.Count(r => r.Status == "ContinuedAsNew"));
        Assert.All(runs, r => Assert.InRange(r.EventIds.Length, 1, 1600));
        Assert.All(runs, r => Assert.Equal(Enumerable.Range(1, r.EventIds.Length).Select(i => (long)i), r.EventIds));
    }
}
