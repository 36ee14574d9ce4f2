using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// Every call of the REST API against a real engine process. No worker serves this cluster's task queue, so
/// started runs stay open (waiting for a worker that knows their type) unless a test closes them.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RestApiTests : IAsyncLifetime
{
    private Cluster _cluster = null!;

    private HttpClient Http => _cluster.Http;

    private Uri Url(string path) => new(_cluster.EngineUrl(), path);

    public async Task InitializeAsync() => _cluster = await Cluster.StartAsync(workers: 0);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task<HttpResponseMessage> PostJsonAsync(string path, string json)
    {
        if (json.Length <= 1024 * 1024)
        {
            return await Http.PostAsync(Url(path), new StringContent(json, Encoding.UTF8, "application/json"));
        }
        // The engine answers 413 to such a body with Connection: close: a connection of its own, so the next request
        // does not meet a closed pooled one.
        using var own = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url(path)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.ConnectionClose = true;
        var response = await own.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    private async Task<int> RunCountAsync()
    {
        var counts = await Http.GetFromJsonAsync<JsonElement>(Url("/api/v1/workflows/counts"));
        return counts.GetProperty("counts").EnumerateObject().Sum(p => p.Value.GetInt32());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Start_ValidBody_Returns201WithIds_AndDescribeShowsTheRunWaitingForAWorker()
    {
        using var response = await PostJsonAsync("/api/v1/workflows",
            $$$"""{"workflowType":"NobodyKnowsMe","workflowId":"rest-1","taskQueue":"{{{_cluster.TaskQueue}}}","input":{"a":[1,"ü"]}}""");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("rest-1", body.GetProperty("workflowId").GetString());
        Assert.True(Guid.TryParse(body.GetProperty("runId").GetString(), out _));
        var described = await Http.GetFromJsonAsync<JsonElement>(Url("/api/v1/workflows/rest-1"));
        Assert.Equal("Running", described.GetProperty("status").GetString());
        Assert.Equal("NobodyKnowsMe", described.GetProperty("workflowType").GetString());
        Assert.Equal("""{"a":[1,"ü"]}""", described.GetProperty("input").GetRawText());
        Assert.Equal(2, described.GetProperty("historyLength").GetInt32());
        Assert.Contains("knows workflow type 'NobodyKnowsMe'", described.GetProperty("pendingWorkflowTask").GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [InlineData("{\"workflowType\":", "not valid JSON")]
    [InlineData("{}", "'workflowType' is required")]
    [InlineData("{\"workflowType\":5}", "expected shape")]
    [InlineData("{\"workflowType\":\"a b\"}", "may contain only")]
    [InlineData("{\"workflowType\":\"T\",\"idReusePolicy\":\"Sometimes\"}", "'idReusePolicy' must be one of AllowDuplicate, AllowDuplicateFailedOnly, RejectDuplicate")]
    [InlineData("{\"workflowType\":\"T\",\"idReusePolicy\":7}", "'idReusePolicy' must be one of AllowDuplicate, AllowDuplicateFailedOnly, RejectDuplicate")]
    [InlineData("[1,2]", "expected shape")]
    [InlineData("", "request body is required")]
    public async Task Start_BadBody_Returns400ProblemAndChangesNothing(string body, string detail)
    {
        var before = await RunCountAsync();

        using var response = await PostJsonAsync("/api/v1/workflows", body);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await RunCountAsync());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Start_OversizedInput_Returns413AndChangesNothing()
    {
        var before = await RunCountAsync();
        var big = new string('x', 3 * 1024 * 1024);

        using var response = await PostJsonAsync("/api/v1/workflows", $$"""{"workflowType":"T","input":"{{big}}"}""");

        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await RunCountAsync());
    }

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [InlineData("/api/v1/workflows", false)]
    [InlineData("/api/v1/workflows", true)]
    [InlineData("/api/v1/workflows/nobody/signals/s", false)]
    [InlineData("/api/v1/workflows/nobody/signals/s", true)]
    public async Task EightMegabyteBody_WrittenWholeBeforeReading_Gets413Problem_AndTheConnectionClosesWithoutReset(string path, bool chunked)
    {
        var before = await RunCountAsync();
        var body = Encoding.UTF8.GetBytes($$"""{"workflowType":"T","input":"{{new string('x', 8 * 1024 * 1024)}}"}""");

        // a plain client: keep-alive, the whole body (Content-Length or chunked) written before it reads anything
        var response = await RawHttp.SendAsync(_cluster.EngineUrl(), "POST", path, body: body, chunked: chunked, keepAlive: true);

        Assert.True(response.Status == 413, $"expected 413, got {response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.MediaType);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(413, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("close", response.Header("Connection"));
        Assert.True(response.ClosedCleanly, "the engine should close the connection with a FIN after its answer");
        Assert.Equal(before, await RunCountAsync());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Start_IdOfAnOpenRun_Returns409_AndRejectDuplicateRefusesAClosedOne()
    {
        var start = $$"""{"workflowType":"T","workflowId":"dup-1","taskQueue":"{{_cluster.TaskQueue}}"}""";
        (await PostJsonAsync("/api/v1/workflows", start)).Dispose();

        await ProblemAsync(await PostJsonAsync("/api/v1/workflows", start), HttpStatusCode.Conflict);

        (await Http.PostAsJsonAsync(Url("/api/v1/workflows/dup-1/terminate"), new { reason = "test" })).Dispose();
        await ProblemAsync(await PostJsonAsync("/api/v1/workflows",
            $$"""{"workflowType":"T","workflowId":"dup-1","idReusePolicy":"RejectDuplicate","taskQueue":"{{_cluster.TaskQueue}}"}"""), HttpStatusCode.Conflict);
        using var allowed = await PostJsonAsync("/api/v1/workflows", start); // AllowDuplicate (default) starts a new run
        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task DescribeHistoryResult_UnknownWorkflowOrRun_Return404()
    {
        await ProblemAsync(await Http.GetAsync(Url("/api/v1/workflows/nope")), HttpStatusCode.NotFound);
        await ProblemAsync(await Http.GetAsync(Url("/api/v1/workflows/nope/history")), HttpStatusCode.NotFound);
        await ProblemAsync(await Http.GetAsync(Url("/api/v1/workflows/nope/result?waitSeconds=0")), HttpStatusCode.NotFound);
        var id = await _cluster.StartWorkflowAsync("T", null, "known-1");
        await ProblemAsync(await Http.GetAsync(Url($"/api/v1/workflows/{id}?runId={Guid.NewGuid()}")), HttpStatusCode.NotFound);
        await ProblemAsync(await Http.GetAsync(Url($"/api/v1/workflows/{id}?runId=not-a-guid")), HttpStatusCode.NotFound);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task SignalCancelTerminate_OpenRun_Return202AndAreRecorded_ThenClosedRunGets404()
    {
        var id = await _cluster.StartWorkflowAsync("T", null, "sig-1");

        Assert.Equal(HttpStatusCode.Accepted, (await PostJsonAsync($"/api/v1/workflows/{id}/signals/approve", """{"by":"ana"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Http.PostAsync(Url($"/api/v1/workflows/{id}/cancel"), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await PostJsonAsync($"/api/v1/workflows/{id}/terminate", """{"reason":"enough"}""")).StatusCode);

        var described = await Http.GetFromJsonAsync<JsonElement>(Url($"/api/v1/workflows/{id}"));
        Assert.Equal("Terminated", described.GetProperty("status").GetString());
        var history = await _cluster.HistoryAsync(id);
        Assert.Equal("WorkflowTerminated", history[^1].EventType);
        Assert.Equal("enough", history[^1].Attributes.GetProperty("reason").GetString());
        await ProblemAsync(await PostJsonAsync($"/api/v1/workflows/{id}/signals/approve", "{}"), HttpStatusCode.NotFound);
        await ProblemAsync(await Http.PostAsync(Url($"/api/v1/workflows/{id}/cancel"), null), HttpStatusCode.NotFound);
        await ProblemAsync(await PostJsonAsync($"/api/v1/workflows/{id}/terminate", "{}"), HttpStatusCode.NotFound);
        await ProblemAsync(await PostJsonAsync("/api/v1/workflows/never-started/signals/approve", "{}"), HttpStatusCode.NotFound);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Signal_BadJsonBadNameOrTooLarge_IsRefusedAndChangesNothing()
    {
        var id = await _cluster.StartWorkflowAsync("T", null, "sig-bad");

        await ProblemAsync(await PostJsonAsync($"/api/v1/workflows/{id}/signals/approve", "{not json"), HttpStatusCode.BadRequest);
        await ProblemAsync(await PostJsonAsync($"/api/v1/workflows/{id}/signals/bad%20name", "{}"), HttpStatusCode.BadRequest);
        await ProblemAsync(await PostJsonAsync($"/api/v1/workflows/{id}/signals/approve", $"\"{new string('x', 3 * 1024 * 1024)}\""),
            HttpStatusCode.RequestEntityTooLarge);

        await ProblemAsync(await PostJsonAsync($"/api/v1/workflows/{id}/terminate", "{\"reason\":"), HttpStatusCode.BadRequest);
        Assert.Equal("Running", (await Http.GetFromJsonAsync<JsonElement>(Url($"/api/v1/workflows/{id}"))).GetProperty("status").GetString());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Result_OpenRun_Returns202WhenTheWaitEnds_ThenClosedRun200()
    {
        var id = await _cluster.StartWorkflowAsync("T", null, "res-1");

        using var open = await Http.GetAsync(Url($"/api/v1/workflows/{id}/result?waitSeconds=1"));
        Assert.Equal(HttpStatusCode.Accepted, open.StatusCode);
        Assert.Equal("Running", (await open.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var waiting = Http.GetAsync(Url($"/api/v1/workflows/{id}/result?waitSeconds=30"));
        (await PostJsonAsync($"/api/v1/workflows/{id}/terminate", "{}")).Dispose();
        using var closed = await waiting;
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("Terminated", (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ListAndHistory_PagedWithTokens_ReturnEachItemOnce_AndBadArgumentsGet400()
    {
        for (var i = 0; i < 7; i++)
        {
            await _cluster.StartWorkflowAsync("Listed", null, $"list-{i}");
        }
        await PostJsonAsync("/api/v1/workflows/list-3/signals/s", "1");

        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await Http.GetFromJsonAsync<JsonElement>(Url($"/api/v1/workflows?workflowType=Listed&pageSize=3{(token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token))}"));
            seen.AddRange(page.GetProperty("workflows").EnumerateArray().Select(w => w.GetProperty("workflowId").GetString()!));
            token = page.GetProperty("nextPageToken").GetString();
        }
        while (token is not null);
        Assert.Equal(Enumerable.Range(0, 7).Reverse().Select(i => $"list-{i}"), seen); // newest first, each once

        var prefixed = await Http.GetFromJsonAsync<JsonElement>(Url("/api/v1/workflows?workflowIdPrefix=list-1&status=Running"));
        Assert.Equal(["list-1"], prefixed.GetProperty("workflows").EnumerateArray().Select(w => w.GetProperty("workflowId").GetString()));
        var counts = await Http.GetFromJsonAsync<JsonElement>(Url("/api/v1/workflows/counts?workflowType=Listed"));
        Assert.Equal(7, counts.GetProperty("counts").GetProperty("Running").GetInt32());

        var events = new List<long>();
        token = null;
        do
        {
            var page = await Http.GetFromJsonAsync<JsonElement>(Url($"/api/v1/workflows/list-3/history?pageSize=1{(token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token))}"));
            events.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("eventId").GetInt64()));
            token = page.GetProperty("nextPageToken").GetString();
        }
        while (token is not null);
        Assert.Equal([1L, 2L], events); // the signal waits in the buffer while the first workflow task is in flight

        await ProblemAsync(await Http.GetAsync(Url("/api/v1/workflows?pageSize=0")), HttpStatusCode.BadRequest);
        await ProblemAsync(await Http.GetAsync(Url("/api/v1/workflows?status=Sleeping")), HttpStatusCode.BadRequest);
        await ProblemAsync(await Http.GetAsync(Url("/api/v1/workflows?pageToken=garbage!")), HttpStatusCode.BadRequest);
        await ProblemAsync(await Http.GetAsync(Url("/api/v1/workflows/list-3/history?pageToken=bm9wZQ==")), HttpStatusCode.BadRequest);
        await ProblemAsync(await Http.GetAsync(Url("/api/v1/workflows/list-3/history?pageSize=100000")), HttpStatusCode.BadRequest);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task HealthAndOpenApi_AreServed()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(Url("/health/ready"))).StatusCode);
        var openApi = await Http.GetFromJsonAsync<JsonElement>(Url("/openapi/v1.json"));
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/workflows", paths);
        Assert.Contains("/api/v1/workflows/{workflowId}/signals/{signalName}", paths);
        Assert.Contains("/api/v1/workflows/counts", paths);
    }
}
