using System.Net;
using System.Text;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// Updates against a real engine and worker (processes), with TestWorker's <c>ShoppingCartWorkflow</c>: validated on a
/// worker, recorded as accepted + completed, applied once per update id, in history order when many arrive at once; a
/// rejection records nothing; a run that returns while an update runs completes the update first.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class UpdateTests : IAsyncLifetime
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

    private Task<string> StartCartAsync() =>
        _cluster.StartWorkflowAsync("ShoppingCartWorkflow", "customer-1", "shop-" + Guid.NewGuid().ToString("N")[..8]);

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, string? json)
    {
        using var content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _cluster.Http.PostAsync(new Uri(_cluster.EngineUrl(), path), content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await _cluster.Http.GetAsync(new Uri(_cluster.EngineUrl(), path));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    private static string? UpdateIdOf(HistoryEvent e) => e.Attributes is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty("updateId", out var id) ? id.GetString() : null;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Update_ReturnsTheNewTotal_AndIsRecordedAsAcceptedThenCompleted()
    {
        var id = await StartCartAsync();
        var handle = _client.GetHandle(id);

        Assert.Equal(1, await handle.ExecuteUpdateAsync<int>("AddItem", "apple", updateId: "u-apple"));
        var (status, body) = await PostAsync($"/api/v1/workflows/{id}/updates/AddItem?updateId=u-pear", "\"pear\"");
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
        Assert.Equal("Completed", body.GetProperty("status").GetString());
        Assert.Equal(2, body.GetProperty("result").GetInt32());
        Assert.Equal("u-pear", body.GetProperty("updateId").GetString());
        Assert.Equal(["apple", "pear"], await handle.QueryAsync<List<string>>("Items"));

        var events = await _cluster.HistoryAsync(id);
        var accepted = events.Single(e => e.EventType == EventTypes.WorkflowUpdateAccepted && UpdateIdOf(e) == "u-apple");
        var completed = events.Single(e => e.EventType == EventTypes.WorkflowUpdateCompleted && UpdateIdOf(e) == "u-apple");
        Assert.True(accepted.EventId < completed.EventId);
        Assert.Equal("AddItem", accepted.Attributes.GetProperty("name").GetString());
        Assert.Equal("apple", accepted.Attributes.GetProperty("input").GetString());
        Assert.Equal(1, completed.Attributes.GetProperty("result").GetInt32());
        // the handler's activity ran between the two
        Assert.Contains(events, e => e.EventType == EventTypes.ActivityCompleted && e.EventId > accepted.EventId && e.EventId < completed.EventId);

        // the outcome can be fetched later by id
        (status, body) = await GetAsync($"/api/v1/workflows/{id}/updates/u-apple");
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
        Assert.Equal(1, body.GetProperty("result").GetInt32());
        Assert.Equal(1, await handle.GetUpdateResultAsync<int>("u-apple"));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/api/v1/workflows/{id}/updates/u-none")).Status);

        await handle.SignalAsync("Checkout");
        Assert.Equal(2, (await _cluster.WaitClosedAsync(id)).GetProperty("result").GetInt32());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ValidatorRejection_Is422WithItsMessage_AndRecordsNothing()
    {
        var id = await StartCartAsync();
        Assert.Equal(1, await _client.ExecuteUpdateAsync<int>(id, "AddItem", "apple"));
        var before = (await _cluster.HistoryAsync(id)).Count;

        var (status, problem) = await PostAsync($"/api/v1/workflows/{id}/updates/AddItem?updateId=u-empty", "\"  \"");

        Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{(int)status} {problem}");
        Assert.Contains("An item needs a name.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var rejected = await Assert.ThrowsAsync<OrchestratorApiException>(() => _client.ExecuteUpdateAsync<int>(id, "AddItem", ""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        // an update the workflow does not have: 400 listing its updates
        (status, problem) = await PostAsync($"/api/v1/workflows/{id}/updates/Nope", null);
        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status} {problem}");
        Assert.Contains("AddItem, Break, SlowAdd", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var events = await _cluster.HistoryAsync(id);
        Assert.Equal(before, events.Count);
        Assert.DoesNotContain(events, e => UpdateIdOf(e) == "u-empty");
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/api/v1/workflows/{id}/updates/u-empty")).Status);
        Assert.Equal(["apple"], await _client.QueryWorkflowAsync<List<string>>(id, "Items"));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TwentyConcurrentUpdates_AllApply_InHistoryOrder()
    {
        var id = await StartCartAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _client.ExecuteUpdateAsync<int>(id, "AddItem", $"item-{i}", updateId: $"u-{i}")));

        // each handler saw the items of the ones before it: the totals are 1..20, each once
        Assert.Equal(Enumerable.Range(1, 20), results.Order());
        var events = await _cluster.HistoryAsync(id);
        var acceptedOrder = events.Where(e => e.EventType == EventTypes.WorkflowUpdateAccepted).Select(UpdateIdOf).ToList();
        var completed = events.Where(e => e.EventType == EventTypes.WorkflowUpdateCompleted).ToList();
        Assert.Equal(20, acceptedOrder.Count);
        Assert.Equal(20, acceptedOrder.Distinct().Count());
        Assert.Equal(20, completed.Count);
        // the items are in the order their updates completed, and each update's result is its place in that order
        var items = await _client.QueryWorkflowAsync<List<string>>(id, "Items");
        Assert.Equal(20, items!.Count);
        for (var i = 0; i < completed.Count; i++)
        {
            var updateId = UpdateIdOf(completed[i])!;
            Assert.Equal(i + 1, completed[i].Attributes.GetProperty("result").GetInt32());
            Assert.Equal("item-" + updateId["u-".Length..], items[i]);
            Assert.Equal(i + 1, results[int.Parse(updateId["u-".Length..], System.Globalization.CultureInfo.InvariantCulture)]);
        }
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TheSameUpdateIdTwice_AppliesOnce_AndBothCallersGetTheOneOutcome()
    {
        var id = await StartCartAsync();

        var both = await Task.WhenAll(
            _client.ExecuteUpdateAsync<int>(id, "AddItem", "apple", updateId: "same"),
            _client.ExecuteUpdateAsync<int>(id, "AddItem", "apple", updateId: "same"));
        var again = await _client.ExecuteUpdateAsync<int>(id, "AddItem", "apple", updateId: "same");

        Assert.Equal([1, 1], both);
        Assert.Equal(1, again);
        var events = await _cluster.HistoryAsync(id);
        Assert.Single(events, e => e.EventType == EventTypes.WorkflowUpdateAccepted);
        Assert.Single(events, e => e.EventType == EventTypes.WorkflowUpdateCompleted);
        Assert.Equal(["apple"], await _client.QueryWorkflowAsync<List<string>>(id, "Items"));
        // the id belongs to that update: another update name with it is a conflict
        var (status, problem) = await PostAsync($"/api/v1/workflows/{id}/updates/SlowAdd?updateId=same", "\"x\"");
        Assert.True(status == HttpStatusCode.Conflict, $"{(int)status} {problem}");
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task RunThatReturnsWhileAnUpdateRuns_CompletesTheUpdateFirst()
    {
        var id = await StartCartAsync();
        var handle = _client.GetHandle(id);

        var slow = await handle.StartUpdateAsync("SlowAdd", "late", updateId: "u-slow"); // accepted; its handler waits 2 s
        await handle.SignalAsync("Checkout"); // the run method returns while the handler still waits

        Assert.Equal("added late", await slow.GetResultAsync<string>());
        var closed = await _cluster.WaitClosedAsync(id);
        Assert.Equal("Completed", closed.GetProperty("status").GetString());
        var events = await _cluster.HistoryAsync(id);
        var updateCompleted = events.Single(e => e.EventType == EventTypes.WorkflowUpdateCompleted);
        var workflowCompleted = events.Single(e => e.EventType == EventTypes.WorkflowCompleted);
        Assert.True(updateCompleted.EventId < workflowCompleted.EventId, "the update completed before the run");
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task HandlerThatThrows_FailsTheUpdateOnly_AndUpdateWithStartStartsTheRun()
    {
        var id = "shop-uws-" + Guid.NewGuid().ToString("N")[..8];
        var start = JsonSerializer.Serialize(new { workflowType = "ShoppingCartWorkflow", workflowId = id, taskQueue = _cluster.TaskQueue, input = "c", updateName = "AddItem", updateInput = "apple", updateId = "first" });

        var (status, body) = await PostAsync("/api/v1/workflows/update-with-start", start);
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}\n{_cluster.Logs()}");
        Assert.True(body.GetProperty("started").GetBoolean());
        Assert.Equal(1, body.GetProperty("result").GetInt32());
        (status, body) = await PostAsync("/api/v1/workflows/update-with-start", start.Replace("\"first\"", "\"second\"", StringComparison.Ordinal));
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");
        Assert.False(body.GetProperty("started").GetBoolean());
        Assert.Equal(2, body.GetProperty("result").GetInt32());

        var failed = await Assert.ThrowsAsync<WorkflowUpdateFailedException>(() => _client.ExecuteUpdateAsync<int>(id, "Break"));
        Assert.Equal("InvalidOperationException", failed.Failure.Type);
        Assert.Contains("broken on purpose", failed.Failure.Message, StringComparison.Ordinal);

        // the run goes on
        Assert.Equal(3, await _client.ExecuteUpdateAsync<int>(id, "AddItem", "pear"));
        Assert.Equal("Running", (await _client.DescribeWorkflowAsync(id)).Status.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync("/api/v1/workflows/no-such-workflow/updates/AddItem", "\"x\"")).Status);
    }
}
