using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// <c>POST /api/v1/workflows/signal-with-start</c> against a real engine and worker: bad bodies change nothing, an open
/// run is signaled, a missing one is started with the signal as its first event, and concurrent calls on one id start
/// one run that gets every signal, also while the open run continues as new.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class SignalWithStartTests(SignalWithStartTests.WorkerCluster fixture) : IClassFixture<SignalWithStartTests.WorkerCluster>
{
    private const string Path = "/api/v1/workflows/signal-with-start";

    private readonly Cluster _cluster = fixture.Cluster;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    /// <summary>A signal-with-start of "s" with payload <paramref name="payload"/> to a <c>ChainWorkflow</c> (it returns the "s" payloads it takes).</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body)> SignalWithStartAsync(string workflowId, int payload, object chainInput)
    {
        using var response = await _cluster.Http.PostAsJsonAsync(new Uri(_cluster.EngineUrl(), Path), new
        {
            workflowType = "ChainWorkflow", workflowId, taskQueue = _cluster.TaskQueue, input = chainInput, signalName = "s", signalInput = payload,
        });
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    private async Task<long> CountAsync(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(_cluster.Postgres);
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [InlineData("", "request body is required")]
    [InlineData("{\"workflowType\":", "not valid JSON")]
    [InlineData("{\"workflowId\":\"w\",\"signalName\":\"s\"}", "'workflowType' is required")]
    [InlineData("{\"workflowType\":\"T\",\"signalName\":\"s\"}", "'workflowId' is required")]
    [InlineData("{\"workflowType\":\"T\",\"workflowId\":\"w\"}", "'signalName' is required")]
    [InlineData("{\"workflowType\":\"T\",\"workflowId\":\"w\",\"signalName\":\"a b\"}", "'signalName' may contain only")]
    [InlineData("{\"workflowType\":\"T\",\"workflowId\":\"w\",\"signalName\":\"s\",\"taskQueue\":\"q/1\"}", "'taskQueue' may contain only")]
    [InlineData("{\"workflowType\":\"T\",\"workflowId\":\"w\",\"signalName\":5}", "expected shape")]
    [InlineData("{\"workflowType\":\"T\",\"workflowId\":\"w\",\"signalName\":\"s\",\"runTimeout\":\"-00:01:00\"}", "'runTimeout' must be a positive duration")]
    [InlineData("{\"workflowType\":\"T\",\"workflowId\":\"w\",\"signalName\":\"s\",\"searchAttributes\":[1]}", "expected shape at 'searchAttributes'")]
    [InlineData("{\"workflowType\":\"T\",\"workflowId\":\"w\",\"signalName\":\"s\",\"searchAttributes\":{\"a b\":1}}", "'searchAttributes name' may contain only")]
    [InlineData("{\"workflowType\":\"T\",\"workflowId\":\"w\",\"signalName\":\"s\",\"searchAttributes\":{\"X\":{\"y\":1}}}", "Search attribute 'X' must be")]
    [InlineData("[1,2]", "expected shape")]
    public async Task BadBody_Returns400Problem_AndChangesNothing(string body, string detail)
    {
        var runs = await CountAsync("SELECT count(*) FROM workflow_runs");

        using var response = await _cluster.Http.PostAsync(new Uri(_cluster.EngineUrl(), Path), new StringContent(body, Encoding.UTF8, "application/json"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(runs, await CountAsync("SELECT count(*) FROM workflow_runs"));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task OversizedSignalInput_Returns413Problem_AndChangesNothing()
    {
        var runs = await CountAsync("SELECT count(*) FROM workflow_runs");
        var body = Encoding.UTF8.GetBytes($$"""{"workflowType":"T","workflowId":"big","signalName":"s","signalInput":"{{new string('x', 3 * 1024 * 1024)}}"}""");

        var response = await RawHttp.SendAsync(_cluster.EngineUrl(), "POST", Path, body: body, chunked: false, keepAlive: true);

        Assert.True(response.Status == 413, $"expected 413, got {response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.MediaType);
        Assert.Equal(runs, await CountAsync("SELECT count(*) FROM workflow_runs"));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task NoOpenRun_StartsOne_WhoseFirstTaskSeesTheSignal_ThenOpenRun_IsSignaled_StartedFalse()
    {
        var id = NewId("sws-open");

        var (status, first) = await SignalWithStartAsync(id, 7, new { generation = 0, generations = 0, expectedSignals = 2 });
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {first}");
        Assert.True(first.GetProperty("started").GetBoolean());
        Assert.Equal(id, first.GetProperty("workflowId").GetString());
        var runId = first.GetProperty("runId").GetString();
        // the signal is among the new run's first events, before its first workflow task is scheduled
        var history = await WaitForEventAsync(_cluster, id, "WorkflowTaskCompleted");
        Assert.Equal(["WorkflowStarted", "SignalReceived", "WorkflowTaskScheduled"], history.Take(3).Select(e => e.EventType));
        Assert.Equal(7, Attr(history[1], "input").GetInt32());

        var (again, second) = await SignalWithStartAsync(id, 8, new { generation = 0, generations = 0, expectedSignals = 99 });
        Assert.True(again == HttpStatusCode.OK, $"{(int)again}: {second}");
        Assert.False(second.GetProperty("started").GetBoolean());
        Assert.Equal(runId, second.GetProperty("runId").GetString());

        var closed = await _cluster.WaitClosedAsync(id);
        Assert.Equal("Completed", Status(closed));
        Assert.Equal([7, 8], closed.GetProperty("result").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM workflow_runs WHERE workflow_id = @id", new { id }));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task SearchAttributes_GoOnTheRunItStarts_AndAnUnregisteredOneIsRefused()
    {
        var id = NewId("sws-attrs");
        var name = "Sws" + Guid.NewGuid().ToString("N")[..8];
        using (var registered = await _cluster.Http.PostAsJsonAsync(new Uri(_cluster.EngineUrl(), "/api/v1/search-attributes"), new { name, type = "Keyword" }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }
        object Body(string attribute) => new
        {
            workflowType = "ChainWorkflow", workflowId = id, taskQueue = _cluster.TaskQueue, input = new { generation = 0, generations = 0, expectedSignals = 1 },
            signalName = "s", signalInput = 1, searchAttributes = new Dictionary<string, object> { [attribute] = "c-17" },
        };

        using (var refused = await _cluster.Http.PostAsJsonAsync(new Uri(_cluster.EngineUrl(), Path), Body("NotRegistered" + name)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM workflow_runs WHERE workflow_id = @id", new { id }));

        using (var started = await _cluster.Http.PostAsJsonAsync(new Uri(_cluster.EngineUrl(), Path), Body(name)))
        {
            Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        }
        var described = await _cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(_cluster.EngineUrl(), $"/api/v1/workflows/{id}"));
        Assert.Equal("c-17", described.GetProperty("searchAttributes").GetProperty(name).GetString());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task FiftyConcurrentCalls_OnANewId_StartOneRun_WithFiftySignals()
    {
        const int calls = 50;
        var id = NewId("sws-race");
        using var gate = new SemaphoreSlim(0);
        var sends = Enumerable.Range(0, calls).Select(async i =>
        {
            await gate.WaitAsync();
            return await SignalWithStartAsync(id, i, new { generation = 0, generations = 0, expectedSignals = calls });
        }).ToList();
        gate.Release(calls);
        var answers = await Task.WhenAll(sends);

        var refused = answers.Where(a => a.Status != HttpStatusCode.OK).ToList();
        Assert.True(refused.Count == 0, $"{refused.Count} of {calls} were refused: {string.Join(", ", refused.Take(5).Select(a => $"{(int)a.Status} {a.Body}"))}");
        Assert.Single(answers, a => a.Body.GetProperty("started").GetBoolean());
        var runId = Assert.Single(answers.Select(a => a.Body.GetProperty("runId").GetString()).Distinct());

        var closed = await _cluster.WaitClosedAsync(id);
        Assert.Equal("Completed", Status(closed));
        Assert.Equal(Enumerable.Range(0, calls), closed.GetProperty("result").EnumerateArray().Select(e => e.GetInt32()).Order());
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM workflow_runs WHERE workflow_id = @id", new { id }));
        Assert.Equal(calls, await CountAsync(
            "SELECT count(*) FROM history_events WHERE run_id = @runId::uuid AND event_type = 'SignalReceived'", new { runId }));
        var runs = await ContinueAsNewRaceTests.RunsAsync(_cluster, id);
        Assert.Equal(Enumerable.Range(1, runs[0].Types.Length).Select(i => (long)i), runs[0].EventIds);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task CallsRacingContinueAsNew_AllSignalTheChain_StartedFalse_EachRecordedOnce()
    {
        const int generations = 60, calls = 120;
        var id = NewId("sws-chain");
        var chain = new { generation = 0, generations, expectedSignals = calls };
        await _cluster.StartWorkflowAsync("ChainWorkflow", chain, id);
        await ContinueAsNewRaceTests.WaitForGenerationsAsync(_cluster, [id], 3); // the calls race hand-overs

        var started = 0;
        var codes = await ContinueAsNewRaceTests.SendConcurrentlyAsync(calls, parallel: 8, async i =>
        {
            var (status, body) = await SignalWithStartAsync(id, i, chain);
            if (status == HttpStatusCode.OK && body.GetProperty("started").GetBoolean())
            {
                Interlocked.Increment(ref started);
            }
            return status;
        });

        var refused = codes.Where(c => c.Value != HttpStatusCode.OK).ToList();
        Assert.True(refused.Count == 0, $"{refused.Count} of {calls} were refused: {string.Join(", ", refused.Take(10).Select(c => $"{c.Key}:{(int)c.Value}"))}");
        Assert.Equal(0, started);
        var closed = await _cluster.WaitClosedAsync(id, TimeSpan.FromSeconds(180));
        Assert.Equal("Completed", Status(closed));
        Assert.Equal(Enumerable.Range(0, calls), closed.GetProperty("result").EnumerateArray().Select(e => e.GetInt32()).Order());
        var runs = await ContinueAsNewRaceTests.RunsAsync(_cluster, id);
        Assert.Equal(generations + 1, runs.Count);
        Assert.Equal(Enumerable.Range(0, calls), ContinueAsNewRaceTests.ExternalSignals(runs).Select(s => s.Payload).Order());
    }

    /// <summary>One engine and one worker for the class.</summary>
    public sealed class WorkerCluster : IAsyncLifetime
    {
        public Cluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync() => Cluster = await Cluster.StartAsync();

        public async Task DisposeAsync() => await Cluster.DisposeAsync();
    }
}
