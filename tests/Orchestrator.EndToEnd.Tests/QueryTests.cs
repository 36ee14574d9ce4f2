using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Orchestrator.Sdk;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// Queries against a real engine and worker (processes): <c>POST /api/v1/workflows/{id}/queries/{name}</c> answered by a
/// worker that replays the run (TestWorker's <c>CartWorkflow</c>), on open and closed runs, after the worker was killed,
/// and the answers when it cannot be (unknown query, a query that throws or schedules, no worker).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class QueryTests : IAsyncLifetime
{
    private Cluster _cluster = null!;
    private OrchestratorClient _client = null!;

    public async Task InitializeAsync()
    {
        _cluster = await Cluster.StartAsync();
        _client = new OrchestratorClient(_cluster.EngineUrl());
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _cluster.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> QueryAsync(string workflowId, string query, string? argumentJson = null, string parameters = "")
    {
        using var content = argumentJson is null ? null : new StringContent(argumentJson, Encoding.UTF8, "application/json");
        using var response = await _cluster.Http.PostAsync(new Uri(_cluster.EngineUrl(), $"/api/v1/workflows/{workflowId}/queries/{query}{parameters}"), content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    private async Task<string> StartCartAsync(params string[] items)
    {
        var id = await _cluster.StartWorkflowAsync("CartWorkflow", "customer-1", "cart-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var item in items)
        {
            await _client.SignalWorkflowAsync(id, "item", item);
        }
        return id;
    }

    private async Task<int> HistoryLengthAsync(string workflowId) => (await _cluster.HistoryAsync(workflowId)).Count;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task OpenRun_AnswersWithItsState_AndSoDoesTheClosedRun()
    {
        var id = await StartCartAsync("apple", "pear");
        var handle = _client.GetHandle(id);

        // the query replays the history as it is, so signals not yet taken by a workflow task count too
        Assert.Equal(["apple", "pear"], await handle.QueryAsync<List<string>>("Items"));
        var (status, body) = await QueryAsync(id, "total", "\"EUR\"");
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
        Assert.Equal(5.0m, body.GetProperty("result").GetDecimal());
        Assert.Equal("Running", (await handle.DescribeAsync()).Status.ToString());

        await _client.SignalWorkflowAsync(id, "item", "checkout");
        Assert.Equal(2, (await _cluster.WaitClosedAsync(id)).GetProperty("result").GetInt32());
        Assert.Equal(["apple", "pear"], await handle.QueryAsync<List<string>>("Items"));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task QueryAfterTheWorkerWasKilled_IsAnsweredByAReplayOnAnotherWorker()
    {
        var id = await StartCartAsync("one");
        Assert.Equal(["one"], await _client.QueryWorkflowAsync<List<string>>(id, "Items"));

        _cluster.KillWorker(0); // SIGKILL: its cached instance is gone with it
        _cluster.StartWorker();
        await _client.SignalWorkflowAsync(id, "item", "two");

        Assert.Equal(["one", "two"], await _client.QueryWorkflowAsync<List<string>>(id, "Items", timeout: TimeSpan.FromSeconds(30)));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task UnknownQuery_Is400_AndListsTheWorkflowsQueries()
    {
        var id = await StartCartAsync();

        var (status, problem) = await QueryAsync(id, "Nope");

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status} {problem}");
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("has no query 'Nope'", detail, StringComparison.Ordinal);
        Assert.Contains("Items, Sneaky, total", detail, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task QueryThatThrows_OrTriesToSchedule_Is422_AndRecordsNothing()
    {
        var id = await StartCartAsync("a");
        Assert.Equal(["a"], await _client.QueryWorkflowAsync<List<string>>(id, "Items"));
        // quiet: the signal is in history and the task that took it completed, so nothing but a query could add an event
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await _cluster.HistoryAsync(id)) is var events && !(events.Any(e => e.EventType == "SignalReceived") && events[^1].EventType == "WorkflowTaskCompleted"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the signal's task did not complete within 30 s");
            await Task.Delay(50);
        }
        var before = await HistoryLengthAsync(id);

        var (status, problem) = await QueryAsync(id, "total", "\"USD\"");
        Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{(int)status} {problem}");
        Assert.Contains("no prices in USD", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("ArgumentException", problem.GetProperty("failure").GetProperty("type").GetString());

        (status, problem) = await QueryAsync(id, "Sneaky");
        Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{(int)status} {problem}");
        Assert.Contains("A query may not call ExecuteActivityAsync", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(before, await HistoryLengthAsync(id));
        var description = await _client.DescribeWorkflowAsync(id);
        Assert.Empty(description.PendingActivities ?? []);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task NoWorkerOnTheTaskQueue_Is504_AfterTheTimeout_AndAMissingRunIs404()
    {
        var id = "nobody-" + Guid.NewGuid().ToString("N")[..8];
        using (var start = await _cluster.Http.PostAsync(new Uri(_cluster.EngineUrl(), "/api/v1/workflows"), new StringContent(
            JsonSerializer.Serialize(new { workflowType = "CartWorkflow", workflowId = id, taskQueue = "no-worker-" + id, input = "c" }), Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        }

        var clock = Stopwatch.StartNew();
        var (status, problem) = await QueryAsync(id, "Items", parameters: "?timeoutSeconds=1");

        Assert.True(status == HttpStatusCode.GatewayTimeout, $"{(int)status} {problem}");
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
        Assert.Contains("No worker of task queue", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await QueryAsync("no-such-workflow", "Items")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await QueryAsync(id, "Items", parameters: "?timeoutSeconds=61")).Status);
    }
}
