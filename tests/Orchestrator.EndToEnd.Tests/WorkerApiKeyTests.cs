using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// A worker of an engine that requires <c>Orchestrator:ApiKey</c>: it sends the key when it fetches a run's history (every
/// workflow task its cache cannot continue), and says plainly when the engine refuses it.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WorkerApiKeyTests
{
    private const string Key = "e2e-worker-key-8c7d6e5f4a";

    private static Dictionary<string, string> EngineWithKey => new() { ["Orchestrator__ApiKey"] = Key };

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task KeySetOnEngineAndWorker_WorkerKilledWithRunsInFlight_ANewWorkerFetchesHistoriesWithTheKey_AndAllComplete()
    {
        await using var cluster = await Cluster.StartAsync(workers: 0, engineEnvironment: EngineWithKey, workerEnvironment: new Dictionary<string, string>
        {
            ["Orchestrator__ApiKey"] = Key,
            ["Logging__LogLevel__Orchestrator.Sdk.Hosting.WorkflowTaskHandler"] = "Debug", // "Fetched N history event(s)"
        });
        cluster.Http.DefaultRequestHeaders.Add("X-Api-Key", Key);
        cluster.StartWorker();
        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await cluster.StartWorkflowAsync("ThreeStepWorkflow", 1500, $"keyed-{i}"));
        }
        foreach (var id in ids)
        {
            await WaitForEventAsync(cluster, id, "ActivityScheduled"); // its first activity runs on the worker
        }

        cluster.KillWorker(0); // SIGKILL: the cached instances are gone
        var replacement = cluster.StartWorker();

        foreach (var id in ids)
        {
            var closed = await cluster.WaitClosedAsync(id, TimeSpan.FromSeconds(90));
            Assert.Equal("Completed", closed.GetProperty("status").GetString());
            Assert.Equal("step1,step2,step3", closed.GetProperty("result").GetString());
        }
        Assert.Contains("replayed from fetched history", replacement.ReadLog(), StringComparison.Ordinal);
        // a 401 as a status, not the digits inside a run id (a CI run failed on "...-30f401c3598e")
        Assert.DoesNotMatch(@"\b401\b|Unauthorized", replacement.ReadLog());
        await Invariants.AssertAllRunsSoundAsync(cluster, ids.Count);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task WorkerWithAWrongKey_HistoryFetchRefused_LogsAConfigurationError()
    {
        await using var cluster = await Cluster.StartAsync(workers: 0, engineEnvironment: EngineWithKey, workerEnvironment: new Dictionary<string, string>
        {
            ["Orchestrator__ApiKey"] = "not-the-key",
            ["Orchestrator__Worker__MaxCachedWorkflows"] = "0", // every workflow task after the first fetches the history
        });
        cluster.Http.DefaultRequestHeaders.Add("X-Api-Key", Key);
        var worker = cluster.StartWorker();

        await cluster.StartWorkflowAsync("ThreeStepWorkflow", 0, "wrong-key-1");

        await WaitUntilAsync(() => worker.ReadLog().Contains("refused the worker's API key (401)", StringComparison.Ordinal), TimeSpan.FromSeconds(60),
            "the worker's configuration error");
        Assert.Contains("Orchestrator:ApiKey", worker.ReadLog(), StringComparison.Ordinal);
    }
}
