using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>Answers that come too late are judged by their deadline, not by when the sweeper happens to look.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class LateAnswerTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ActivityResultAfterItsStartToCloseDeadline_BeforeTheSweeperLooked_IsATimeout()
    {
        // the sweeper looks once a minute: the result (after 3 s, deadline 1 s after the send) reaches the engine first
        await using var cluster = await Cluster.StartAsync(
            engineEnvironment: new Dictionary<string, string> { ["Orchestrator__Engine__SweepInterval"] = "00:01:00" });
        var id = await cluster.StartWorkflowAsync("LateAnswerWorkflow", new { returnAfterMs = 3000, timeoutMs = 1000 }, "late-" + Guid.NewGuid().ToString("N")[..6]);

        var closed = await cluster.WaitClosedAsync(id);

        Assert.StartsWith("timed out: ", closed.GetProperty("result").GetString());
        var history = await cluster.HistoryAsync(id);
        Assert.DoesNotContain(history, e => e.EventType == "ActivityCompleted");
        Assert.Equal("StartToClose", Attr(history.Single(e => e.EventType == "ActivityTimedOut"), "timeoutType").GetString());
        await Invariants.AssertAllRunsSoundAsync(cluster, 1);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ActivityResultWithinItsDeadline_Completes()
    {
        await using var cluster = await Cluster.StartAsync(
            engineEnvironment: new Dictionary<string, string> { ["Orchestrator__Engine__SweepInterval"] = "00:01:00" });
        var id = await cluster.StartWorkflowAsync("LateAnswerWorkflow", new { returnAfterMs = 10, timeoutMs = 60_000 }, "early-" + Guid.NewGuid().ToString("N")[..6]);

        Assert.Equal("late result", (await cluster.WaitClosedAsync(id)).GetProperty("result").GetString());
    }
}
