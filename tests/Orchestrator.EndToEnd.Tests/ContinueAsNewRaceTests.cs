using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Dapper;
using Npgsql;
using Xunit.Abstractions;
using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// Client requests and parent-close policies that race a run closing into the next one (continue-as-new, workflow retry):
/// while a workflow id has an open run, a signal, cancel or terminate lands on a run of it (never 404, recorded once),
/// and a parent's close policy reaches its child's current run.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ContinueAsNewRaceTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task SignalsRacingTightContinueAsNewChains_EachGets202_AndIsRecordedOnce_AndReadsNeverMissTheChain()
    {
        await using var cluster = await Cluster.StartAsync();
        const int chains = 10, generations = 150, signals = 500; // signal i goes to chain i % chains
        var ids = Enumerable.Range(0, chains).Select(c => $"chain-{c}-" + Guid.NewGuid().ToString("N")[..6]).ToList();
        foreach (var id in ids)
        {
            await cluster.StartWorkflowAsync("ChainWorkflow", new { generation = 0, generations, expectedSignals = signals / chains }, id);
        }
        await WaitForGenerationsAsync(cluster, ids, 3); // the signals race hand-overs, not the workers' first tasks

        using var reading = new CancellationTokenSource();
        var readAnomalies = new ConcurrentQueue<string>();
        var reader = ReadWhileRunningAsync(cluster, ids, readAnomalies, reading.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var codes = await SendConcurrentlyAsync(signals, parallel: 8, i => SignalAsync(cluster, ids[i % chains], "s", i));
        var sendTime = clock.Elapsed;
        await reading.CancelAsync();
        var reads = await reader;

        var refused = codes.Where(c => c.Value != HttpStatusCode.Accepted).ToList();
        Assert.True(refused.Count == 0, $"{refused.Count} of {signals} signals were refused: {string.Join(", ", refused.Take(10).Select(c => $"{c.Key}:{(int)c.Value}"))}"
            + (refused.Count == 0 ? "" : "\n" + cluster.Logs()));
        Assert.True(readAnomalies.IsEmpty, string.Join("\n", readAnomalies.Take(10)));
        var closed = new List<JsonElement>();
        foreach (var id in ids)
        {
            closed.Add(await cluster.WaitClosedAsync(id, TimeSpan.FromSeconds(180)));
        }
        output.WriteLine($"signals sent in {sendTime.TotalSeconds:0.0} s, the chains closed after {clock.Elapsed.TotalSeconds:0.0} s; {reads} describe/result reads");
        for (var c = 0; c < chains; c++)
        {
            var expected = Enumerable.Range(0, signals).Where(i => i % chains == c).ToList();
            var runs = await RunsAsync(cluster, ids[c]);
            var received = ExternalSignals(runs);
            output.WriteLine($"{ids[c]}: {runs.Count} runs; {received.Count(r => r.RunIndex < runs.Count - 1)} of {expected.Count} signals landed on a run "
                + $"that continued as new; {runs.Sum(r => r.Types.Count(t => t == "WorkflowTaskFailed"))} closing tasks failed UnhandledEvents");
            Assert.Equal("Completed", Status(closed[c]));
            Assert.Equal(expected, closed[c].GetProperty("result").EnumerateArray().Select(e => e.GetInt32()).Order());
            Assert.Equal(generations + 1, runs.Count);
            // recorded once: each signal arrives in exactly one run (the SignalReceived right after a WorkflowStarted are carried over)
            Assert.Equal(expected, received.Select(r => r.Payload).Order());
            Assert.All(runs, r => Assert.Equal(Enumerable.Range(1, r.Types.Length).Select(i => (long)i), r.EventIds));
        }
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task CancelAndTerminateRacingTightContinueAsNewChains_Get202_AndCloseTheChain()
    {
        await using var cluster = await Cluster.StartAsync();
        const int chains = 12;
        var ids = Enumerable.Range(0, chains).Select(i => $"endless-{i}-" + Guid.NewGuid().ToString("N")[..6]).ToList();
        foreach (var id in ids)
        {
            await cluster.StartWorkflowAsync("ChainWorkflow", new { generation = 0, generations = int.MaxValue, expectedSignals = 0 }, id);
        }
        await WaitForGenerationsAsync(cluster, ids, 20);

        var random = new Random(12);
        var codes = await SendConcurrentlyAsync(chains, parallel: 4, async i =>
        {
            await Task.Delay(random.Next(0, 30));
            var action = i % 2 == 0 ? "cancel" : "terminate";
            return await PostAsync(cluster, $"/api/v1/workflows/{ids[i]}/{action}", new { reason = "race test" });
        });

        var refused = codes.Where(c => c.Value != HttpStatusCode.Accepted).Select(c => $"{ids[c.Key]}:{(int)c.Value}").ToList();
        await StopAllAsync(cluster, codes.Where(c => c.Value != HttpStatusCode.Accepted).Select(c => ids[c.Key]).ToList());
        Assert.True(refused.Count == 0, $"{refused.Count} of {chains} cancels/terminates were refused while the chain ran: {string.Join(", ", refused)}");
        for (var i = 0; i < chains; i++)
        {
            Assert.Equal(i % 2 == 0 ? "Canceled" : "Terminated", Status(await cluster.WaitClosedAsync(ids[i], TimeSpan.FromSeconds(60))));
        }
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task SignalsRacingWorkflowRetries_EachGets202_AndIsRecordedOnce()
    {
        await using var cluster = await Cluster.StartAsync(engineEnvironment: new Dictionary<string, string>
        {
            ["Orchestrator__Engine__SweepInterval"] = "00:00:00.020", // retries' first workflow tasks are sent by the sweeper
        });
        const int chains = 8, attempts = 40, signals = 400; // signal i goes to chain i % chains
        var ids = Enumerable.Range(0, chains).Select(c => $"retry-chain-{c}-" + Guid.NewGuid().ToString("N")[..6]).ToList();
        var retryPolicy = new { initialInterval = "00:00:00.001", backoffCoefficient = 1.0, maximumInterval = "00:00:00.001", maximumAttempts = 0,
            nonRetryableErrorTypes = Array.Empty<string>() };
        foreach (var id in ids)
        {
            var (status, _) = await StartAsync(cluster, "RetryChainWorkflow", attempts, id, retryPolicy: retryPolicy);
            Assert.Equal(HttpStatusCode.Created, status);
        }
        await WaitForGenerationsAsync(cluster, ids, 3);

        var codes = await SendConcurrentlyAsync(signals, parallel: 8, i => SignalAsync(cluster, ids[i % chains], "s", i));
        var refused = codes.Where(c => c.Value != HttpStatusCode.Accepted).ToList();
        Assert.True(refused.Count == 0, $"{refused.Count} of {signals} signals were refused: {string.Join(", ", refused.Take(10).Select(c => $"{c.Key}:{(int)c.Value}"))}"
            + (refused.Count == 0 ? "" : "\n" + cluster.Logs()));
        for (var c = 0; c < chains; c++)
        {
            // a retry does not carry signals over: "done" goes to the last attempt once it waits for it
            await WaitForHistoryAsync(cluster, ids[c], h => h[0].Attributes.GetProperty("attempt").GetInt32() == attempts
                && h.Any(e => e.EventType == "WorkflowTaskCompleted"), TimeSpan.FromSeconds(120));
            Assert.Equal(HttpStatusCode.Accepted, await SignalAsync(cluster, ids[c], "done", 0));
            var closed = await cluster.WaitClosedAsync(ids[c], TimeSpan.FromSeconds(60));
            Assert.Equal("Completed", Status(closed));
            Assert.Equal(attempts, closed.GetProperty("result").GetInt32());

            var runs = await RunsAsync(cluster, ids[c]);
            var received = ExternalSignals(runs).Where(r => r.Name == "s").ToList();
            var expected = Enumerable.Range(0, signals).Where(i => i % chains == c).ToList();
            output.WriteLine($"{ids[c]}: {runs.Count} runs; {received.Count(r => r.RunIndex < runs.Count - 1)} of {expected.Count} signals landed on a failed attempt");
            Assert.Equal(attempts, runs.Count);
            Assert.Equal(expected, received.Select(r => r.Payload).Order());
        }
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ParentsClosingWhileTheirChildrenContinueAsNew_ReachTheChildsCurrentRun()
    {
        await using var cluster = await Cluster.StartAsync();
        const int perCase = 3, children = 2;
        var cases = new List<(string Id, string Policy, bool Terminate)>();
        var random = new Random(7);
        foreach (var policy in new[] { "Terminate", "RequestCancel" })
        {
            foreach (var terminate in new[] { false, true })
            {
                for (var i = 0; i < perCase; i++)
                {
                    var id = $"parent-{policy.ToLowerInvariant()}-{(terminate ? "t" : "c")}{i}-" + Guid.NewGuid().ToString("N")[..6];
                    await cluster.StartWorkflowAsync("ChainParentWorkflow", new { children, policy }, id);
                    cases.Add((id, policy, terminate));
                }
            }
        }
        var childIds = cases.SelectMany(c => Enumerable.Range(0, children).Select(i => (c.Id, c.Policy, Child: $"{c.Id}-c{i}"))).ToList();
        await WaitForGenerationsAsync(cluster, childIds.Select(c => c.Child).ToList(), 3);

        // each parent closes (completes on its signal, or is terminated) while its children hand over
        foreach (var (id, _, terminate) in cases.OrderBy(_ => random.Next()))
        {
            await Task.Delay(random.Next(0, 100));
            Assert.Equal(HttpStatusCode.Accepted, terminate
                ? await PostAsync(cluster, $"/api/v1/workflows/{id}/terminate", new { reason = "race test" })
                : await SignalAsync(cluster, id, "finish", "done"));
        }
        foreach (var (id, _, terminate) in cases)
        {
            Assert.Equal(terminate ? "Terminated" : "Completed", Status(await cluster.WaitClosedAsync(id, TimeSpan.FromSeconds(60))));
        }

        // Terminate is applied in the parent's close transaction: no child run is open once the parent is closed.
        var terminated = childIds.Where(c => c.Policy == "Terminate").Select(c => c.Child).ToList();
        var leftRunning = await OpenRunsAsync(cluster, terminated);
        // RequestCancel: each child's current run sees the request and ends Canceled.
        var canceled = childIds.Where(c => c.Policy == "RequestCancel").Select(c => c.Child).ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await OpenRunsAsync(cluster, canceled)).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        var stillRunning = await OpenRunsAsync(cluster, canceled);
        var generationsRun = await CountRunsAsync(cluster, childIds.Select(c => c.Child).ToList());
        output.WriteLine($"{childIds.Count} children ran {generationsRun} runs in all");
        await StopAllAsync(cluster, childIds.Select(c => c.Child).ToList());

        Assert.True(leftRunning.Count == 0, $"Children of closed parents (Terminate) left running: {string.Join(", ", leftRunning)}");
        Assert.True(stillRunning.Count == 0, $"Children of closed parents (RequestCancel) still running after 30 s: {string.Join(", ", stillRunning)}");
        foreach (var child in terminated)
        {
            Assert.Equal("Terminated", Status(await DescribeAsync(cluster, child)));
        }
        foreach (var child in canceled)
        {
            Assert.Equal("Canceled", Status(await DescribeAsync(cluster, child)));
        }
    }

    /// <summary>Runs <paramref name="send"/> for 0..count-1, <paramref name="parallel"/> at a time; returns each index's status.</summary>
    internal static async Task<IReadOnlyDictionary<int, HttpStatusCode>> SendConcurrentlyAsync(int count, int parallel, Func<int, Task<HttpStatusCode>> send)
    {
        var codes = new ConcurrentDictionary<int, HttpStatusCode>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                codes[i] = await send(i);
            }
        }));
        return codes;
    }

    /// <summary>
    /// Describes each workflow and asks for its result (no wait), round and round until <paramref name="ct"/>: neither may
    /// miss the open run while a chain hands over (404, or the closed run shown); returns how many reads were made.
    /// </summary>
    private static async Task<int> ReadWhileRunningAsync(Cluster cluster, IReadOnlyList<string> ids, ConcurrentQueue<string> anomalies, CancellationToken ct)
    {
        var reads = 0;
        while (!ct.IsCancellationRequested)
        {
            var id = ids[reads / 2 % ids.Count];
            using (var describe = await cluster.Http.GetAsync(new Uri(cluster.EngineUrl(), $"/api/v1/workflows/{id}"), CancellationToken.None))
            {
                var body = await describe.Content.ReadAsStringAsync(CancellationToken.None);
                if (describe.StatusCode != HttpStatusCode.OK || JsonDocument.Parse(body).RootElement.GetProperty("status").GetString() is not ("Running" or "Completed"))
                {
                    anomalies.Enqueue($"describe: {(int)describe.StatusCode} {body}");
                }
            }
            using (var result = await cluster.Http.GetAsync(new Uri(cluster.EngineUrl(), $"/api/v1/workflows/{id}/result?waitSeconds=0"), CancellationToken.None))
            {
                var body = await result.Content.ReadAsStringAsync(CancellationToken.None);
                var shown = result.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted ? JsonDocument.Parse(body).RootElement.GetProperty("status").GetString() : null;
                if (!(result.StatusCode == HttpStatusCode.Accepted && shown == "Running" || result.StatusCode == HttpStatusCode.OK && shown == "Completed"))
                {
                    anomalies.Enqueue($"result: {(int)result.StatusCode} {body}");
                }
            }
            reads += 2;
        }
        return reads;
    }

    internal sealed record Run(Guid RunId, string Status, long[] EventIds, string[] Types, string[] Attributes);

    /// <summary>The runs of a workflow id, oldest first (following the links), with their events.</summary>
    internal static async Task<IReadOnlyList<Run>> RunsAsync(Cluster cluster, string workflowId)
    {
        await using var connection = new NpgsqlConnection(cluster.Postgres);
        var rows = (await connection.QueryAsync<(Guid RunId, string Status, Guid? PreviousRunId)>(
            "SELECT run_id, status, previous_run_id FROM workflow_runs WHERE workflow_id = @workflowId", new { workflowId })).ToList();
        var byPrevious = rows.Where(r => r.PreviousRunId is not null).ToDictionary(r => r.PreviousRunId!.Value);
        var ordered = new List<(Guid RunId, string Status, Guid? PreviousRunId)> { rows.Single(r => r.PreviousRunId is null) };
        while (byPrevious.TryGetValue(ordered[^1].RunId, out var next))
        {
            ordered.Add(next);
        }
        Assert.Equal(rows.Count, ordered.Count);
        var runs = new List<Run>();
        foreach (var (runId, status, _) in ordered)
        {
            var events = (await connection.QueryAsync<(long Id, string Type, string Attributes)>(
                "SELECT event_id, event_type, attributes::text FROM history_events WHERE run_id = @runId ORDER BY event_id", new { runId })).ToList();
            runs.Add(new Run(runId, status, events.Select(e => e.Id).ToArray(), events.Select(e => e.Type).ToArray(), events.Select(e => e.Attributes).ToArray()));
        }
        return runs;
    }

    /// <summary>
    /// The signals delivered from outside, in every run: each <c>SignalReceived</c> except those a run starts with (before its
    /// first <c>WorkflowTaskScheduled</c>), which continue-as-new carried over from the run before.
    /// </summary>
    internal static List<(int RunIndex, string Name, int Payload)> ExternalSignals(IReadOnlyList<Run> runs)
    {
        var found = new List<(int, string, int)>();
        for (var r = 0; r < runs.Count; r++)
        {
            var firstTask = Array.IndexOf(runs[r].Types, "WorkflowTaskScheduled");
            for (var i = firstTask + 1; i < runs[r].Types.Length; i++)
            {
                if (runs[r].Types[i] == "SignalReceived")
                {
                    var attributes = JsonDocument.Parse(runs[r].Attributes[i]).RootElement;
                    found.Add((r, attributes.GetProperty("signalName").GetString()!, attributes.GetProperty("input").GetInt32()));
                }
            }
        }
        return found;
    }

    /// <summary>Waits until each workflow id has at least <paramref name="runs"/> runs (its chain is looping).</summary>
    internal static async Task WaitForGenerationsAsync(Cluster cluster, IReadOnlyList<string> ids, int runs)
    {
        await using var connection = new NpgsqlConnection(cluster.Postgres);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while ((await connection.QueryAsync<long>("SELECT count(*) FROM unnest(@ids) AS i(id) LEFT JOIN workflow_runs r ON r.workflow_id = i.id GROUP BY i.id",
                   new { ids = ids.ToArray() })).Any(n => n < runs))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The chains did not reach {runs} runs in time.\n{cluster.Logs()}");
            await Task.Delay(50);
        }
    }

    private static async Task<List<string>> OpenRunsAsync(Cluster cluster, IReadOnlyList<string> ids)
    {
        await using var connection = new NpgsqlConnection(cluster.Postgres);
        return (await connection.QueryAsync<string>("SELECT workflow_id FROM workflow_runs WHERE workflow_id = ANY(@ids) AND status = 'Running' ORDER BY 1",
            new { ids = ids.ToArray() })).ToList();
    }

    private static async Task<long> CountRunsAsync(Cluster cluster, IReadOnlyList<string> ids)
    {
        await using var connection = new NpgsqlConnection(cluster.Postgres);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM workflow_runs WHERE workflow_id = ANY(@ids)", new { ids = ids.ToArray() });
    }

    /// <summary>Terminates whatever is still open among <paramref name="ids"/> (endless chains must not outlive a failed test).</summary>
    private static async Task StopAllAsync(Cluster cluster, IReadOnlyList<string> ids)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        List<string> open;
        while ((open = await OpenRunsAsync(cluster, ids)).Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var id in open)
            {
                await PostAsync(cluster, $"/api/v1/workflows/{id}/terminate", new { reason = "test cleanup" });
            }
        }
    }
}
