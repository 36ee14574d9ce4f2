using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>A waiting GET .../result wakes when any engine closes the run (PostgreSQL NOTIFY), not at its next re-read.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ResultWakeupTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task RunClosedByAnotherEngine_WakesTheLongPollOnTheEngineThatStartedIt()
    {
        // re-reads every minute: only the close announcement can answer these long-polls within their 30 s
        await using var cluster = await Cluster.StartAsync(engines: 2,
            engineEnvironment: new Dictionary<string, string> { ["Orchestrator__Engine__ResultRereadInterval"] = "00:01:00" });
        var waiting = await cluster.StartWorkflowAsync("WaitForeverWorkflow", null, "wake-" + Guid.NewGuid().ToString("N")[..6], engine: 0);
        var later = await cluster.StartWorkflowAsync("WaitForeverWorkflow", null, "wake-late-" + Guid.NewGuid().ToString("N")[..6], engine: 0);
        foreach (var id in new[] { waiting, later })
        {
            await WaitForHistoryAsync(cluster, id, h => h.Any(e => e.EventType == "WorkflowTaskCompleted"));
        }

        var clock = Stopwatch.StartNew();
        var result = cluster.Http.GetAsync(new Uri(cluster.EngineUrl(0), $"/api/v1/workflows/{waiting}/result?waitSeconds=30"));
        await Task.Delay(500); // the long-poll is waiting on engine 0
        Assert.False(result.IsCompleted);
        Assert.Equal(HttpStatusCode.Accepted, await TerminateOnAsync(cluster, 1, waiting));
        using (var response = await result)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Terminated", (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("status").GetString());
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"woken after {clock.Elapsed}");

        // closed elsewhere before the long-poll began: engine 0 no longer takes it for open, so it answers at once
        Assert.Equal(HttpStatusCode.Accepted, await TerminateOnAsync(cluster, 1, later));
        await Task.Delay(500); // the announcement reaches engine 0
        clock.Restart();
        using (var response = await cluster.Http.GetAsync(new Uri(cluster.EngineUrl(0), $"/api/v1/workflows/{later}/result?waitSeconds=30")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"answered after {clock.Elapsed}");
    }

    private static async Task<HttpStatusCode> TerminateOnAsync(Cluster cluster, int engine, string workflowId)
    {
        using var response = await cluster.Http.PostAsJsonAsync(new Uri(cluster.EngineUrl(engine), $"/api/v1/workflows/{workflowId}/terminate"),
            new { reason = "test" });
        return response.StatusCode;
    }
}
