using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Npgsql;
using Xunit.Abstractions;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>Batch operations across an engine crash: a batch resumes where it stopped and acts on each run once.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class BatchTests(ITestOutputHelper output)
{
    private const int Runs = 2000;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task BatchTerminateOf2000Runs_EngineKilledMidBatch_ResumesAndTerminatesEachRunOnce()
    {
        // a lease of 5 s: after the kill, the restarted engine (a new instance) takes the batch over 5 s later
        await using var cluster = await Cluster.StartAsync(engineEnvironment: new Dictionary<string, string>
        {
            ["Orchestrator__Batches__LeaseDuration"] = "00:00:05",
            ["Logging__LogLevel__Orchestrator.Engine.Batches"] = "Information", // "Working batch ..." (child processes log warnings only)
        });
        var clock = Stopwatch.StartNew();
        var ids = Enumerable.Range(0, Runs).Select(i => $"batch-e2e-{i}").ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (id, _) => await cluster.StartWorkflowAsync("WaitForeverWorkflow", null, id));
        output.WriteLine($"{Runs} runs started in {clock.Elapsed.TotalSeconds:F1} s");

        var query = $"WorkflowType = 'WaitForeverWorkflow' AND TaskQueue = '{cluster.TaskQueue}'";
        using var created = await cluster.Http.PostAsJsonAsync(new Uri(cluster.EngineUrl(), "/api/v1/batches"),
            new { query, operation = "terminate", reason = "bad deploy", maxPerSecond = 1000 });
        var createdBody = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.True(created.StatusCode == HttpStatusCode.Created, createdBody.ToString());
        Assert.Equal(Runs, createdBody.GetProperty("total").GetInt64());
        var batchId = createdBody.GetProperty("batchId").GetString()!;
        clock.Restart();

        // kill -9 while the batch is in full swing
        var before = await WaitForAsync(cluster, batchId, b => b.GetProperty("done").GetInt64() >= 300, "300 runs terminated");
        var port = cluster.EngineUrl().Port;
        cluster.KillEngine(0);
        output.WriteLine($"engine killed after {clock.Elapsed.TotalSeconds:F1} s with at least {before.GetProperty("done").GetInt64()} done");

        // at the crash: what the batch counted and what the runs show agree (an item and its action commit together)
        var (doneItems, terminatedRuns, counted) = await CrashStateAsync(cluster, Guid.Parse(batchId));
        output.WriteLine($"at the kill: {doneItems} items done, {terminatedRuns} runs terminated, batch counted {counted}");
        Assert.Equal(doneItems, terminatedRuns);
        Assert.Equal(doneItems, counted);
        Assert.True(doneItems < Runs, "the batch finished before the kill; the test proves nothing");

        await cluster.StartEngineAsync(port, 0);
        var batch = await WaitForAsync(cluster, batchId, b => b.GetProperty("state").GetString() != "Running", "the batch to complete");
        output.WriteLine($"completed {clock.Elapsed.TotalSeconds:F1} s after it was created");

        Assert.Equal("Completed", batch.GetProperty("state").GetString());
        Assert.Equal((2000L, 2000L, 0L), (batch.GetProperty("total").GetInt64(), batch.GetProperty("done").GetInt64(), batch.GetProperty("failed").GetInt64()));
        // exactly one WorkflowTerminated per run, last, in a gap-free history; nothing started twice
        await Invariants.AssertAllRunsSoundAsync(cluster, Runs, "Terminated");
        var runs = await cluster.AllRunsAsync();
        Assert.All(runs, r => Assert.Equal(1, r.Types.Count(t => t == "WorkflowTerminated")));
        Assert.All(runs, r => Assert.Contains("bad deploy", r.Attributes[^1], StringComparison.Ordinal));
        Assert.Contains("Working batch", cluster.Logs(whole: true), StringComparison.Ordinal);
    }

    private static async Task<(long DoneItems, long TerminatedRuns, long Counted)> CrashStateAsync(Cluster cluster, Guid batchId)
    {
        await using var connection = new NpgsqlConnection(cluster.Postgres);
        return await connection.QuerySingleAsync<(long, long, long)>("""
            SELECT (SELECT count(*) FROM batch_items WHERE batch_id = @batchId AND state = 'Done'),
                   (SELECT count(*) FROM workflow_runs WHERE status = 'Terminated'),
                   (SELECT done FROM batches WHERE batch_id = @batchId)
            """, new { batchId });
    }

    private static async Task<JsonElement> WaitForAsync(Cluster cluster, string batchId, Func<JsonElement, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Cluster.Timeout;
        while (true)
        {
            try
            {
                var batch = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(cluster.EngineUrl(), $"/api/v1/batches/{batchId}"))).RootElement.Clone();
                if (condition(batch))
                {
                    return batch;
                }
                Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}: {batch}\n{cluster.Logs()}");
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // the engine is starting again
            }
            await Task.Delay(50);
        }
    }
}
