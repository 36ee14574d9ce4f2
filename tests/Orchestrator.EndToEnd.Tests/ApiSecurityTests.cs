using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Engine;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// An engine with <c>Orchestrator:ApiKey</c> set: no spelling of a path gets past the key, every endpoint of the app
/// refuses a call without it or with a wrong one, and only the health checks, the OpenAPI document and its reference
/// (<c>/docs</c>) are open. Requests go over a bare socket,
/// so the path reaches the engine exactly as written.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ApiSecurityTests(ApiSecurityTests.KeyedCluster fixture) : IClassFixture<ApiSecurityTests.KeyedCluster>
{
    private const string Key = "e2e-api-key-5b0c1d2e3f";

    private static readonly Dictionary<string, string> NoKey = [];
    private static readonly Dictionary<string, string> WrongKey = new() { ["X-Api-Key"] = "e2e-api-key-5b0c1d2e3g" };
    private static readonly Dictionary<string, string> RightKey = new() { ["X-Api-Key"] = Key };

    private readonly Cluster _cluster = fixture.Cluster;

    public static TheoryData<string, string> BypassAttempts => new()
    {
        { "POST", "/API/v1/workflows/{id}/terminate" },
        { "POST", "/Api/V1/Workflows/{id}/terminate" },
        { "POST", "/api/V1/workflows/{id}/TERMINATE" },
        { "POST", "/api//v1/workflows/{id}/terminate" },
        { "POST", "//api/v1/workflows/{id}/terminate" },
        { "POST", "/api/v1//workflows/{id}/terminate" },
        { "POST", "/api/v1/workflows/{id}/terminate/" },
        { "POST", "/%41PI/v1/workflows/{id}/terminate" },
        { "POST", "/%61pi/v1/workflows/{id}/terminate" },
        { "POST", "/api%2Fv1/workflows/{id}/terminate" },
        { "POST", "/api%2fv1%2fworkflows%2f{id}%2fterminate" },
        { "POST", "/api/./v1/workflows/{id}/terminate" },
        { "POST", "/x/../API/v1/workflows/{id}/terminate" },
        { "POST", "/api/v1/workflows/{id}/terminate?x=/health/ready" },
        { "POST", "http://{authority}/API/v1/workflows/{id}/terminate" },
        { "POST", "/API/v1/workflows/{id}/signals/s" },
        { "POST", "/API/v1/workflows/{id}/cancel" },
        { "POST", "/API/v1/workflows" },
        { "GET", "/API/V1/WORKFLOWS" },
        { "GET", "/API/v1/workflows/{id}/history" },
        { "GET", "/docs/../api/v1/workflows" },
        { "GET", "/health/live/../../api/v1/workflows/{id}" },
        { "GET", "/health/ready/../../api/v1/workflows" },
        { "GET", "/no/such/path" },
    };

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [MemberData(nameof(BypassAttempts))]
    public async Task AnySpellingOfAPath_WithoutTheKeyOrWithAWrongOne_Gets401Problem_AndChangesNothing(string method, string target)
    {
        var id = await _cluster.StartWorkflowAsync("T", null, "victim-" + Guid.NewGuid().ToString("N")[..8]);
        var runs = await RunCountAsync();
        target = target.Replace("{id}", id, StringComparison.Ordinal).Replace("{authority}", _cluster.EngineUrl().Authority, StringComparison.Ordinal);
        var body = method == "POST" ? """{"workflowType":"T","reason":"bypass"}"""u8.ToArray() : null;

        foreach (var headers in new[] { NoKey, WrongKey })
        {
            var response = await RawHttp.SendAsync(_cluster.EngineUrl(), method, target, headers, body);

            AssertUnauthorized(response, $"{method} {target} ({(headers.Count == 0 ? "no key" : "wrong key")})");
        }
        Assert.Equal("Running", (await DescribeAsync(id)).GetProperty("status").GetString());
        Assert.Equal(runs, await RunCountAsync());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TerminateInAnyCase_WithTheKey_IsServed()
    {
        var id = await _cluster.StartWorkflowAsync("T", null, "served-1");

        var response = await RawHttp.SendAsync(_cluster.EngineUrl(), "POST", $"/API/v1/Workflows/{id}/terminate", RightKey, """{"reason":"ok"}"""u8.ToArray());

        Assert.Equal(202, response.Status);
        Assert.Equal("Terminated", (await DescribeAsync(id)).GetProperty("status").GetString());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task EveryEndpointOfTheApp_WithoutOrWithAWrongKey_Gets401_WithTheKeyIsServed_AndOnlyHealthAndTheApiDescriptionAreOpen()
    {
        var id = await _cluster.StartWorkflowAsync("T", null, "every-1");
        var runs = await RunCountAsync();
        // What each endpoint of the app is called with, in an order in which each call succeeds. A new endpoint fails this
        // test until it is added here, so none escapes the check.
        var schedule = $$"""
            "spec":{"cron":["0 9 * * MON-FRI"]},"action":{"workflowType":"T","taskQueue":"{{_cluster.TaskQueue}}"}
            """;
        var attribute = "Sec" + Guid.NewGuid().ToString("N")[..8];
        var trigger = $$"""
            "source":{"kind":"cloudevents","type":"sec.{{id}}"},"action":{"kind":"start","workflowType":"T","taskQueue":"{{_cluster.TaskQueue}}"}
            """;
        var eventHeaders = new Dictionary<string, string> { ["ce-specversion"] = "1.0", ["ce-id"] = "e-1", ["ce-source"] = "/sec", ["ce-type"] = $"sec.{id}" };
        var calls = new (string Method, string Pattern, string Target, string? Body, int Served, bool Anonymous)[]
        {
            ("GET", "/health/ready", "/health/ready", null, 200, true),
            ("GET", "/health/live", "/health/live", null, 200, true),
            ("GET", "/openapi/{documentName}.json", "/openapi/v1.json", null, 200, true),
            ("GET", "/docs/{documentName?}", "/docs/v1", null, 200, true),
            ("GET", "/docs/scalar.js", "/docs/scalar.js", null, 200, true),
            ("GET", "/docs/scalar.aspnetcore.js", "/docs/scalar.aspnetcore.js", null, 200, true),
            ("GET", "/docs/favicon.svg", "/docs/favicon.svg", null, 200, true),
            ("GET", "/api/v1/workflows/", "/api/v1/workflows", null, 200, false),
            ("GET", "/api/v1/workflows/counts", "/api/v1/workflows/counts", null, 200, false),
            ("GET", "/api/v1/workflows/count", "/api/v1/workflows/count?query=ExecutionStatus%20%3D%20%27Running%27", null, 200, false),
            ("POST", "/api/v1/search-attributes/", "/api/v1/search-attributes", $$"""{"name":"{{attribute}}","type":"Keyword"}""", 201, false),
            ("GET", "/api/v1/search-attributes/", "/api/v1/search-attributes", null, 200, false),
            ("GET", "/api/v1/workflows/{workflowId}", $"/api/v1/workflows/{id}", null, 200, false),
            ("GET", "/api/v1/workflows/{workflowId}/history", $"/api/v1/workflows/{id}/history", null, 200, false),
            ("GET", "/api/v1/workflows/{workflowId}/result", $"/api/v1/workflows/{id}/result?waitSeconds=0", null, 202, false),
            ("POST", "/api/v1/workflows/signal-with-start", "/api/v1/workflows/signal-with-start",
                $$"""{"workflowType":"T","workflowId":"{{id}}","taskQueue":"{{_cluster.TaskQueue}}","signalName":"s"}""", 200, false), // open: signaled, no new run
            ("POST", "/api/v1/workflows/{workflowId}/signals/{signalName}", $"/api/v1/workflows/{id}/signals/s", "{}", 202, false),
            // no worker runs here: the query waits its 1 s and gets 504
            ("POST", "/api/v1/workflows/{workflowId}/queries/{queryName}", $"/api/v1/workflows/{id}/queries/q?timeoutSeconds=1", null, 504, false),
            // no worker validates updates here: a bad waitSeconds (checked after the key, before the validation) is the fast answer
            ("POST", "/api/v1/workflows/{workflowId}/updates/{update}", $"/api/v1/workflows/{id}/updates/u?waitSeconds=99", null, 400, false),
            ("GET", "/api/v1/workflows/{workflowId}/updates/{update}", $"/api/v1/workflows/{id}/updates/none", null, 404, false),
            ("POST", "/api/v1/workflows/update-with-start", "/api/v1/workflows/update-with-start?waitSeconds=99",
                $$"""{"workflowType":"T","workflowId":"{{id}}","taskQueue":"{{_cluster.TaskQueue}}","updateName":"u"}""", 400, false),
            // a new run of the id (one more run); the cancel and terminate below then act on it
            ("POST", "/api/v1/workflows/{workflowId}/reset", $"/api/v1/workflows/{id}/reset", """{"to":"FirstWorkflowTask","reason":"sec"}""", 201, false),
            ("POST", "/api/v1/batches/", "/api/v1/batches", $$"""{"query":"WorkflowId = '{{id}}'","operation":"signal","signalName":"s"}""", 201, false),
            // a batch id no batch has: served is 404 (the key let it in)
            ("GET", "/api/v1/batches/{batchId}", $"/api/v1/batches/{Guid.Empty}", null, 404, false),
            ("POST", "/api/v1/batches/{batchId}/cancel", $"/api/v1/batches/{Guid.Empty}/cancel", "{}", 404, false),
            ("POST", "/api/v1/workflows/{workflowId}/cancel", $"/api/v1/workflows/{id}/cancel", "{}", 202, false),
            ("POST", "/api/v1/workflows/{workflowId}/terminate", $"/api/v1/workflows/{id}/terminate", "{}", 202, false),
            ("POST", "/api/v1/workflows/", "/api/v1/workflows", $$"""{"workflowType":"T","taskQueue":"{{_cluster.TaskQueue}}"}""", 201, false),
            ("POST", "/api/v1/schedules/", "/api/v1/schedules", $$"""{"scheduleId":"{{id}}",{{schedule}}}""", 201, false),
            ("GET", "/api/v1/schedules/", "/api/v1/schedules", null, 200, false),
            ("GET", "/api/v1/schedules/{scheduleId}", $"/api/v1/schedules/{id}", null, 200, false),
            ("PUT", "/api/v1/schedules/{scheduleId}", $"/api/v1/schedules/{id}", $$"""{{{schedule}}}""", 204, false),
            ("POST", "/api/v1/schedules/{scheduleId}/pause", $"/api/v1/schedules/{id}/pause", "{}", 204, false),
            ("POST", "/api/v1/schedules/{scheduleId}/unpause", $"/api/v1/schedules/{id}/unpause", "{}", 204, false),
            ("POST", "/api/v1/schedules/{scheduleId}/trigger", $"/api/v1/schedules/{id}/trigger", "{}", 200, false), // starts a run
            // a range without a time of the spec: accepted, starts nothing
            ("POST", "/api/v1/schedules/{scheduleId}/backfill", $"/api/v1/schedules/{id}/backfill",
                """{"startAt":"2020-01-01T00:00:00Z","endAt":"2020-01-01T00:00:01Z"}""", 202, false),
            ("DELETE", "/api/v1/schedules/{scheduleId}", $"/api/v1/schedules/{id}", null, 204, false),
            ("POST", "/api/v1/triggers/", "/api/v1/triggers", $$"""{"triggerId":"{{id}}",{{trigger}}}""", 201, false),
            ("GET", "/api/v1/triggers/", "/api/v1/triggers", null, 200, false),
            ("GET", "/api/v1/triggers/{triggerId}", $"/api/v1/triggers/{id}", null, 200, false),
            ("PUT", "/api/v1/triggers/{triggerId}", $"/api/v1/triggers/{id}", $$"""{{{trigger}}}""", 204, false),
            // a CloudEvent in binary mode (ce-* headers, EventHeaders): the trigger above has no webhook secret, so only the key lets it in; starts a run
            ("POST", "/api/v1/events", "/api/v1/events", "{}", 202, false),
            ("DELETE", "/api/v1/triggers/{triggerId}", $"/api/v1/triggers/{id}", null, 204, false),
        };
        var endpoints = AppEndpoints().Order().ToList();
        Assert.True(calls.Select(c => $"{c.Method} {c.Pattern}").Order().SequenceEqual(endpoints), "the app's endpoints: " + string.Join(", ", endpoints));

        foreach (var call in calls)
        {
            var body = call.Body is null ? null : Encoding.UTF8.GetBytes(call.Body);
            foreach (var headers in new[] { NoKey, WrongKey })
            {
                var refused = await RawHttp.SendAsync(_cluster.EngineUrl(), call.Method, call.Target, With(headers, call.Target, eventHeaders), body);
                if (call.Anonymous)
                {
                    Assert.Equal(call.Served, refused.Status);
                }
                else
                {
                    AssertUnauthorized(refused, $"{call.Method} {call.Target}");
                }
            }
            var served = await RawHttp.SendAsync(_cluster.EngineUrl(), call.Method, call.Target, With(RightKey, call.Target, eventHeaders), body);
            Assert.True(call.Served == served.Status, $"{call.Method} {call.Target} with the key: {served.Status} {served.Body}");
        }
        Assert.Equal(runs + 4, await RunCountAsync()); // the refused calls started nothing; the served start, reset, schedule trigger and event one run each
    }

    /// <summary>The headers of a call, with the CloudEvent's for <c>POST /api/v1/events</c>.</summary>
    private static Dictionary<string, string> With(Dictionary<string, string> headers, string target, Dictionary<string, string> eventHeaders) =>
        target == "/api/v1/events" ? headers.Concat(eventHeaders).ToDictionary() : headers;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task OversizedBodyWithoutTheKey_Gets401_AndTheConnectionIsNotReset()
    {
        var body = Encoding.UTF8.GetBytes($$"""{"workflowType":"T","input":"{{new string('x', 8 * 1024 * 1024)}}"}""");

        var response = await RawHttp.SendAsync(_cluster.EngineUrl(), "POST", "/api/v1/workflows", NoKey, body);

        AssertUnauthorized(response, "8 MB start without the key");
        Assert.True(response.ClosedCleanly);
    }

    private static void AssertUnauthorized(RawHttp.Response response, string what)
    {
        Assert.True(response.Status == 401, $"{what}: expected 401, got {response.Status}: {response.Body}");
        Assert.Equal("application/problem+json", response.MediaType);
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("X-Api-Key", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("ApiKey header=\"X-Api-Key\"", response.Header("WWW-Authenticate"));
    }

    /// <summary>Every route of the engine's app as "METHOD pattern", read from an engine host built in this process.</summary>
    private static List<string> AppEndpoints()
    {
        var app = EngineHost.Build([], new EngineOptions { Postgres = "Host=unused", RabbitMq = "amqp://unused/", ApiKey = Key });
        try
        {
            return ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
                .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => $"{m} {"/" + e.RoutePattern.RawText!.TrimStart('/')}"))
                .ToList();
        }
        finally
        {
            ((IDisposable)app).Dispose();
        }
    }

    private async Task<JsonElement> DescribeAsync(string id) =>
        await _cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(_cluster.EngineUrl(), $"/api/v1/workflows/{id}"));

    private async Task<int> RunCountAsync()
    {
        var counts = await _cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(_cluster.EngineUrl(), "/api/v1/workflows/counts"));
        return counts.GetProperty("counts").EnumerateObject().Sum(p => p.Value.GetInt32());
    }

    /// <summary>One engine with the key set (no worker) for the whole class; its HTTP client sends the key.</summary>
    public sealed class KeyedCluster : IAsyncLifetime
    {
        private Cluster? _cluster;

        public Cluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

        public async Task InitializeAsync()
        {
            _cluster = await Cluster.StartAsync(workers: 0, engineEnvironment: new Dictionary<string, string> { ["Orchestrator__ApiKey"] = Key });
            _cluster.Http.DefaultRequestHeaders.Add("X-Api-Key", Key);
        }

        public async Task DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
        }
    }
}
