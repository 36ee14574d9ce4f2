using System.Net;
using System.Net.Http.Json;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>What the engine accepted (202) stays in history, however the run closes.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class AcceptedEventsTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task SignalsAcceptedWhileAWorkflowTaskIsInFlight_ThenTerminate_AreInTheHistoryBeforeTheTermination()
    {
        // no worker: the first workflow task stays in flight, so the signals are buffered until its answer; a terminate then
        // closes the run without one and must not drop them
        await using var cluster = await Cluster.StartAsync(workers: 0);
        var id = await cluster.StartWorkflowAsync("SignalWorkflow", null, "accepted-" + Guid.NewGuid().ToString("N")[..6]);
        for (var i = 0; i < 3; i++)
        {
            using var signal = await cluster.Http.PostAsJsonAsync(new Uri(cluster.EngineUrl(), $"/api/v1/workflows/{id}/signals/s{i}"), new { n = i });
            Assert.Equal(HttpStatusCode.Accepted, signal.StatusCode);
        }

        using var terminate = await cluster.Http.PostAsJsonAsync(new Uri(cluster.EngineUrl(), $"/api/v1/workflows/{id}/terminate"), new { reason = "test" });
        Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);

        var types = (await cluster.HistoryAsync(id)).Select(e => e.EventType).ToList();
        Assert.Equal(3, types.Count(t => t == "SignalReceived"));
        Assert.Equal("WorkflowTerminated", types[^1]);
        Assert.True(types.LastIndexOf("SignalReceived") < types.IndexOf("WorkflowTerminated"));
        await Invariants.AssertAllRunsSoundAsync(cluster, 1, "Terminated");
    }
}
