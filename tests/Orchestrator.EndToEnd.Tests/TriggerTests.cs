using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// Triggers over HTTP against a real engine (with an API key) and worker: the REST API of triggers, CloudEvents posted to
/// <c>POST /api/v1/events</c> (structured and binary) that start or signal workflows once per event, webhook signatures,
/// and events that cannot be acted on (docs/triggers.md).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class TriggerTests(TriggerTests.KeyedWorkerCluster fixture) : IClassFixture<TriggerTests.KeyedWorkerCluster>
{
    private const string Key = "e2e-trigger-key-7c1d2e3f4a";
    private const string Secret = "shop-hook-secret-1";

    /// <summary>Without default headers, so that a call without the key sends none (the cluster's client always sends it).</summary>
    private static readonly HttpClient Plain = new() { Timeout = TimeSpan.FromSeconds(100) };

    private readonly Cluster _cluster = fixture.Cluster;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpMethod method, string path, string? json, bool withKey = true,
        IReadOnlyDictionary<string, string>? headers = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(_cluster.EngineUrl(), path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        }
        if (withKey)
        {
            request.Headers.Add("X-Api-Key", Key);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }
        using var response = await Plain.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    private async Task CreateAsync(object trigger)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v1/triggers", JsonSerializer.Serialize(trigger));
        Assert.True(status == HttpStatusCode.Created, $"create: {(int)status} {body}");
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> PostEventAsync(object cloudEvent, bool withKey = true, string? signature = null)
    {
        var json = JsonSerializer.Serialize(cloudEvent);
        var headers = signature is null ? null : new Dictionary<string, string> { ["X-Orchestrator-Signature"] = signature };
        return SendAsync(HttpMethod.Post, "/api/v1/events", json, withKey, headers, "application/cloudevents+json");
    }

    private static string Sign(string body, string secret = Secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    private async Task<long> CountAsync(string sql, object? args = null)
    {
        await using var connection = new NpgsqlConnection(_cluster.Postgres);
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }

    private async Task<JsonElement> StatsAsync(string triggerId)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, $"/api/v1/triggers/{triggerId}", null);
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("stats");
    }

    private object StartTrigger(string triggerId, string type, object? webhook = null, string workflowId = "order-{data.orderId}") => new
    {
        triggerId,
        source = new { kind = "cloudevents", type },
        action = new { kind = "start", workflowType = "ChainWorkflow", taskQueue = _cluster.TaskQueue, workflowId },
        webhook,
    };

    private static object Event(string type, string id, object? data, string source = "/shop", string? subject = null) =>
        new { specversion = "1.0", id, source, type, subject, datacontenttype = "application/json", data };

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [InlineData("", "request body is required")]
    [InlineData("{\"triggerId\":\"t\"}", "'source' is required")]
    [InlineData("{\"triggerId\":\"t\",\"source\":{\"kind\":\"sqs\"},\"action\":{\"kind\":\"start\",\"workflowType\":\"W\"}}", "'source.kind' must be")]
    [InlineData("{\"triggerId\":\"t\",\"source\":{\"kind\":\"cloudevents\"},\"action\":{\"kind\":\"start\",\"workflowType\":\"W\"}}", "'source.type' is required")]
    [InlineData("{\"triggerId\":\"t\",\"source\":{\"kind\":\"masstransit\",\"messageType\":\"Shop.OrderPlaced\"},\"action\":{\"kind\":\"start\",\"workflowType\":\"W\"}}", "message type URN")]
    [InlineData("{\"triggerId\":\"t\",\"source\":{\"kind\":\"cloudevents\",\"type\":\"x\"}}", "'action' is required")]
    [InlineData("{\"triggerId\":\"t\",\"source\":{\"kind\":\"cloudevents\",\"type\":\"x\"},\"action\":{\"kind\":\"run\"}}", "'action.kind' must be")]
    [InlineData("{\"triggerId\":\"t\",\"source\":{\"kind\":\"cloudevents\",\"type\":\"x\"},\"action\":{\"kind\":\"start\"}}", "'action.workflowType' is required")]
    [InlineData("{\"triggerId\":\"t\",\"source\":{\"kind\":\"cloudevents\",\"type\":\"x\"},\"action\":{\"kind\":\"signal\",\"signalName\":\"s\"}}", "'action.workflowId' (a template")]
    [InlineData("{\"triggerId\":\"t\",\"source\":{\"kind\":\"cloudevents\",\"type\":\"x\"},\"action\":{\"kind\":\"signal\",\"workflowId\":\"w\"}}", "'action.signalName' is required")]
    [InlineData("{\"triggerId\":\"t\",\"source\":{\"kind\":\"cloudevents\",\"type\":\"x\"},\"action\":{\"kind\":\"start\",\"workflowType\":\"W\",\"workflowId\":\"o-{data.x}}\"}}", "unmatched")]
    [InlineData("{\"triggerId\":\"t\",\"source\":{\"kind\":\"cloudevents\",\"type\":\"x\"},\"action\":{\"kind\":\"start\",\"workflowType\":\"W\",\"workflowId\":\"o-{time}\"}}", "unknown placeholder '{time}'")]
    [InlineData("{\"triggerId\":\"t\",\"source\":{\"kind\":\"cloudevents\",\"type\":\"x\"},\"action\":{\"kind\":\"start\",\"workflowType\":\"W\",\"input\":\"all\"}}", "'action.input' must be")]
    [InlineData("{\"triggerId\":\"t\",\"source\":{\"kind\":\"cloudevents\",\"type\":\"x\"},\"action\":{\"kind\":\"start\",\"workflowType\":\"W\"},\"webhook\":{\"secretRef\":\"hunter2\"}}", "'webhook.secretRef' must be")]
    [InlineData("{\"triggerId\":\"a b\",\"source\":{\"kind\":\"cloudevents\",\"type\":\"x\"},\"action\":{\"kind\":\"start\",\"workflowType\":\"W\"}}", "'triggerId' may contain only")]
    public async Task BadTriggerBody_Returns400Problem_AndStoresNothing(string body, string detail)
    {
        var triggers = await CountAsync("SELECT count(*) FROM triggers");

        var (status, problem) = await SendAsync(HttpMethod.Post, "/api/v1/triggers", body.Length == 0 ? null : body);

        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {problem}");
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(triggers, await CountAsync("SELECT count(*) FROM triggers"));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Triggers_AreCreatedDescribedListedReplacedAndDeleted()
    {
        var id = NewId("crud");
        await CreateAsync(StartTrigger(id, "com.example.crud"));
        var (again, _) = await SendAsync(HttpMethod.Post, "/api/v1/triggers", JsonSerializer.Serialize(StartTrigger(id, "com.example.crud")));
        Assert.Equal(HttpStatusCode.Conflict, again);

        var (_, described) = await SendAsync(HttpMethod.Get, $"/api/v1/triggers/{id}", null);
        Assert.Equal("order-{data.orderId}", described.GetProperty("action").GetProperty("workflowId").GetString());
        Assert.Equal("data", described.GetProperty("action").GetProperty("input").GetString());
        Assert.Equal(0, described.GetProperty("stats").GetProperty("delivered").GetInt64());

        var replaced = new
        {
            source = new { kind = "cloudevents", type = "com.example.crud2", source = "/crm" },
            action = new { kind = "signal", workflowId = "c-{subject}", signalName = "s" },
            webhook = new { secretRef = "env:CRUD_SECRET" },
        };
        var (put, putBody) = await SendAsync(HttpMethod.Put, $"/api/v1/triggers/{id}", JsonSerializer.Serialize(replaced));
        Assert.True(put == HttpStatusCode.NoContent, $"{(int)put} {putBody}");
        (_, described) = await SendAsync(HttpMethod.Get, $"/api/v1/triggers/{id}", null);
        Assert.Equal("/crm", described.GetProperty("source").GetProperty("source").GetString());
        Assert.Equal("env:CRUD_SECRET", described.GetProperty("webhook").GetProperty("secretRef").GetString());

        var (_, page) = await SendAsync(HttpMethod.Get, "/api/v1/triggers?pageSize=1000", null);
        Assert.Contains(page.GetProperty("triggers").EnumerateArray(), t => t.GetProperty("triggerId").GetString() == id);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/api/v1/triggers/{id}", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, $"/api/v1/triggers/{id}", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, $"/api/v1/triggers/{id}", null)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Put, $"/api/v1/triggers/{id}", JsonSerializer.Serialize(replaced))).Status);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task StructuredEvent_StartsTheBoundWorkflow_WithTheTemplatesId_AndTheSameEventThreeTimesStartsOneRun()
    {
        var trigger = NewId("start");
        var type = $"com.example.{trigger}.created";
        var order = NewId("o");
        await CreateAsync(StartTrigger(trigger, type));
        var cloudEvent = Event(type, "evt-1", new { orderId = order, generation = 0, generations = 0, expectedSignals = 0 });

        var answers = new List<JsonElement>();
        for (var i = 0; i < 3; i++)
        {
            var (status, body) = await PostEventAsync(cloudEvent);
            Assert.True(status == HttpStatusCode.Accepted, $"{(int)status} {body}");
            answers.Add(body);
        }

        Assert.Equal(trigger, answers[0].GetProperty("matched")[0].GetString());
        var first = answers[0].GetProperty("deliveries")[0];
        Assert.Equal("started", first.GetProperty("outcome").GetString());
        Assert.Equal($"order-{order}", first.GetProperty("workflowId").GetString());
        Assert.All(answers.Skip(1), a => Assert.Equal("deduplicated", a.GetProperty("deliveries")[0].GetProperty("outcome").GetString()));
        var closed = await _cluster.WaitClosedAsync($"order-{order}");
        Assert.Equal("Completed", closed.GetProperty("status").GetString());
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM workflow_runs WHERE workflow_id = @Id", new { Id = $"order-{order}" }));
        var stats = await StatsAsync(trigger);
        Assert.Equal(1, stats.GetProperty("delivered").GetInt64());
        Assert.Equal(2, stats.GetProperty("deduplicated").GetInt64());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TwentyConcurrentDeliveriesOfOneEvent_StartOneRun()
    {
        var trigger = NewId("race");
        var type = $"com.example.{trigger}";
        await CreateAsync(StartTrigger(trigger, type, workflowId: "{triggerId}-{id}"));
        var cloudEvent = Event(type, "evt-race", new { generation = 0, generations = 0, expectedSignals = 0 });

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostEventAsync(cloudEvent)));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Accepted, $"{(int)a.Status} {a.Body}"));
        var outcomes = answers.Select(a => a.Body.GetProperty("deliveries")[0].GetProperty("outcome").GetString()).ToList();
        Assert.Equal(1, outcomes.Count(o => o == "started"));
        Assert.Equal(19, outcomes.Count(o => o == "deduplicated"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM workflow_runs WHERE workflow_id = @Id", new { Id = $"{trigger}-evt-race" }));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task BinaryModeEvent_StartsTheBoundWorkflow_WithTheBodyAsItsData()
    {
        var trigger = NewId("binary");
        var type = $"com.example.{trigger}";
        await CreateAsync(StartTrigger(trigger, type, workflowId: "bin-{data.orderId}"));
        var order = NewId("o");
        var headers = new Dictionary<string, string> { ["ce-specversion"] = "1.0", ["ce-id"] = "b-1", ["ce-source"] = "/shop", ["ce-type"] = type };

        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v1/events",
            JsonSerializer.Serialize(new { orderId = order, generation = 0, generations = 0, expectedSignals = 0 }), headers: headers);

        Assert.True(status == HttpStatusCode.Accepted, $"{(int)status} {body}");
        Assert.Equal("Completed", (await _cluster.WaitClosedAsync($"bin-{order}")).GetProperty("status").GetString());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Webhook_WithAValidSignatureStartsARunWithoutTheKey_AWrongOrMissingSignatureGets401AndChangesNothing()
    {
        var trigger = NewId("hook");
        var type = $"com.example.{trigger}";
        await CreateAsync(StartTrigger(trigger, type, webhook: new { secretRef = $"file:{fixture.SecretFile}" }, workflowId: "hook-{id}"));
        var good = Event(type, "h-good", new { generation = 0, generations = 0, expectedSignals = 0 });
        var bad = Event(type, "h-bad", new { generation = 0, generations = 0, expectedSignals = 0 });
        var badJson = JsonSerializer.Serialize(bad);

        foreach (var (signature, withKey) in new[] { (Sign(badJson, "not-the-secret"), false), ((string?)null, false), (Sign(badJson, "not-the-secret"), true),
                     (null, true), ("sha256=zz", true), (Sign(badJson + " "), true) })
        {
            var (refused, problem) = await PostEventAsync(bad, withKey, signature);
            Assert.True(refused == HttpStatusCode.Unauthorized, $"signature {signature ?? "none"}, key {withKey}: {(int)refused} {problem}");
            Assert.Equal(401, problem.GetProperty("status").GetInt32());
        }
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM workflow_runs WHERE workflow_id = 'hook-h-bad'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM trigger_deliveries WHERE trigger_id = @T", new { T = trigger }));
        var stats = await StatsAsync(trigger);
        Assert.Equal(0, stats.GetProperty("deadLettered").GetInt64());

        var (status, body) = await PostEventAsync(good, withKey: false, signature: Sign(JsonSerializer.Serialize(good)));

        Assert.True(status == HttpStatusCode.Accepted, $"{(int)status} {body}");
        Assert.Equal("Completed", (await _cluster.WaitClosedAsync("hook-h-good")).GetProperty("status").GetString());
        Assert.DoesNotContain(Secret, (await SendAsync(HttpMethod.Get, $"/api/v1/triggers/{trigger}", null)).Body.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, _cluster.Logs(), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task WithoutTheKey_AnEventForATriggerWithoutASecret_OrForNoTrigger_Gets401()
    {
        var trigger = NewId("open");
        var type = $"com.example.{trigger}";
        await CreateAsync(StartTrigger(trigger, type, workflowId: "open-{id}"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostEventAsync(Event(type, "x-1", new { }), withKey: false)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostEventAsync(Event("com.example.nobody", "x-2", new { }), withKey: false)).Status);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM workflow_runs WHERE workflow_id = 'open-x-1'"));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task EventsThatCannotBeActedOn_AreRefusedOrDeadLetteredWithTheReason_AndStartNothing()
    {
        var (notAnEvent, problem) = await SendAsync(HttpMethod.Post, "/api/v1/events", "{\"hello\":1}");
        Assert.Equal(HttpStatusCode.BadRequest, notAnEvent);
        Assert.Contains("not a CloudEvent", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var (missingId, _) = await SendAsync(HttpMethod.Post, "/api/v1/events", "{\"specversion\":\"1.0\",\"source\":\"/s\",\"type\":\"t\"}",
            contentType: "application/cloudevents+json");
        Assert.Equal(HttpStatusCode.BadRequest, missingId);

        var (unmatched, unmatchedProblem) = await PostEventAsync(Event("com.example.nobody-" + Guid.NewGuid().ToString("N"), "u-1", new { }));
        Assert.True(unmatched == HttpStatusCode.UnprocessableEntity, $"{(int)unmatched} {unmatchedProblem}");

        var trigger = NewId("dead");
        var type = $"com.example.{trigger}";
        await CreateAsync(StartTrigger(trigger, type));
        var signal = NewId("sig");
        await CreateAsync(new
        {
            triggerId = signal, source = new { kind = "cloudevents", type },
            action = new { kind = "signal", workflowId = "nobody-{id}", signalName = "s" },
        });

        // an id too long for the claim's index (random, so PostgreSQL cannot compress it under the index row limit) is
        // refused up front, before it could fail the claim's insert
        var randomId = string.Concat(Enumerable.Range(0, 320).Select(_ => Guid.NewGuid().ToString("N")));
        var (longId, longIdProblem) = await PostEventAsync(Event(type, randomId, new { orderId = "o-long" }));
        Assert.True(longId == HttpStatusCode.BadRequest, $"{(int)longId} {longIdProblem}");
        Assert.Contains("'id' is longer than", longIdProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var (status, body) = await PostEventAsync(Event(type, "d-1", new { customer = "c-1" }));

        Assert.True(status == HttpStatusCode.Accepted, $"{(int)status} {body}");
        var deliveries = body.GetProperty("deliveries").EnumerateArray().ToDictionary(d => d.GetProperty("triggerId").GetString()!);
        Assert.Equal("deadLettered", deliveries[trigger].GetProperty("outcome").GetString());
        Assert.Contains("{data.orderId}", deliveries[trigger].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("deadLettered", deliveries[signal].GetProperty("outcome").GetString());
        Assert.Contains("no open run", deliveries[signal].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var stats = await StatsAsync(trigger);
        Assert.Equal(1, stats.GetProperty("deadLettered").GetInt64());
        Assert.Contains("{data.orderId}", stats.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM trigger_deliveries WHERE trigger_id IN (@A, @B)", new { A = trigger, B = signal }));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task SignalWithStartTrigger_StartsOnTheFirstEvent_AndSignalsThatRunWithTheNext()
    {
        var trigger = NewId("sws");
        var type = $"com.example.{trigger}";
        await CreateAsync(new
        {
            triggerId = trigger, source = new { kind = "cloudevents", type, source = "/cart" },
            action = new { kind = "signalWithStart", workflowType = "SignalWorkflow", taskQueue = _cluster.TaskQueue, workflowId = "cart-{subject}", signalName = "item" },
        });
        var cart = NewId("c");

        var (firstStatus, first) = await PostEventAsync(Event(type, "i-1", "apple", source: "/cart", subject: cart));
        var (secondStatus, second) = await PostEventAsync(Event(type, "i-2", "pear", source: "/cart", subject: cart));
        var (otherSource, _) = await PostEventAsync(Event(type, "i-3", "plum", source: "/elsewhere", subject: cart));

        Assert.True(firstStatus == HttpStatusCode.Accepted && secondStatus == HttpStatusCode.Accepted, $"{first} {second}");
        Assert.Equal("started", first.GetProperty("deliveries")[0].GetProperty("outcome").GetString());
        Assert.Equal("signaled", second.GetProperty("deliveries")[0].GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherSource); // the trigger takes events of source /cart only
        var closed = await _cluster.WaitClosedAsync($"cart-{cart}");
        Assert.Equal("apple,pear,timeout", closed.GetProperty("result").GetString());
    }

    /// <summary>One engine with the API key set and one worker; the webhook secret in a file.</summary>
    public sealed class KeyedWorkerCluster : IAsyncLifetime
    {
        private Cluster? _cluster;

        public Cluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

        public string SecretFile { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"orchestrator-hook-{Guid.NewGuid():N}");

        public async Task InitializeAsync()
        {
            await File.WriteAllTextAsync(SecretFile, Secret + "\n");
            _cluster = await Cluster.StartAsync(engineEnvironment: new Dictionary<string, string> { ["Orchestrator__ApiKey"] = Key },
                workerEnvironment: new Dictionary<string, string> { ["Orchestrator__ApiKey"] = Key });
            _cluster.Http.DefaultRequestHeaders.Add("X-Api-Key", Key);
        }

        public async Task DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
            File.Delete(SecretFile);
        }
    }
}
