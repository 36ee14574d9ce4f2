using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Api;
using Orchestrator.Sdk;
using OrderSample;

namespace Orchestrator.Worker.Tests;

public sealed class OrchestratorClientTests
{
    private const string Describe = """
        {"workflowId":"order-42","runId":"8a6b1c1e-0000-0000-0000-000000000001","workflowType":"OrderWorkflow","taskQueue":"default",
         "status":"Running","input":{"orderId":"o-1"},"result":null,"failure":null,"startedAt":"2025-01-01T00:00:00Z","closedAt":null,
         "previousRunId":null,"nextRunId":null,"parentWorkflowId":null,"parentRunId":null,"historyLength":7,
         "pendingActivities":[{"scheduledEventId":5,"activityName":"Charge","attempt":2,"startedAt":null,
           "lastFailure":{"type":"TimeoutException","message":"slow"},"nextAttemptAt":"2025-01-01T00:00:02Z"}]}
        """;

    private static (OrchestratorClient Client, StubHandler Handler) Create(params (HttpStatusCode Status, string Body, string ContentType)[] answers)
    {
        var handler = new StubHandler(answers);
        return (new OrchestratorClient(new Uri("http://engine.test:5080"), new HttpClient(handler)), handler);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ApiKey_IsSentAsXApiKeyOnEveryCall_AndTheSharedHttpClientIsNotChanged()
    {
        var ok = (HttpStatusCode.OK, Describe, "application/json");
        var accepted = (HttpStatusCode.Accepted, "", "text/plain");
        var handler = new StubHandler([
            (HttpStatusCode.Created, """{"workflowId":"w","runId":"r"}""", "application/json"), accepted, accepted, accepted, ok,
            (HttpStatusCode.OK, """{"events":[],"nextPageToken":null}""", "application/json"),
            (HttpStatusCode.OK, """{"workflows":[],"nextPageToken":null}""", "application/json"),
            (HttpStatusCode.OK, Describe.Replace("\"Running\"", "\"Completed\"", StringComparison.Ordinal), "application/json")]);
        using var http = new HttpClient(handler);
        using var client = new OrchestratorClient(new Uri("http://engine.test:5080"), http) { ApiKey = "k-123" };

        await client.StartWorkflowAsync("OrderWorkflow", null);
        await client.SignalWorkflowAsync("w", "s");
        await client.CancelWorkflowAsync("w");
        await client.TerminateWorkflowAsync("w");
        await client.DescribeWorkflowAsync("w");
        await client.GetHistoryAsync("w");
        await client.ListWorkflowsAsync();
        await client.GetResultAsync<JsonElement>("w");

        Assert.Equal(8, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal("k-123", r.ApiKey));
        Assert.Empty(http.DefaultRequestHeaders);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task WithoutApiKey_NoHeaderIsSent()
    {
        var (client, handler) = Create((HttpStatusCode.OK, Describe, "application/json"));

        await client.DescribeWorkflowAsync("w");

        Assert.Null(handler.Requests[0].ApiKey);
    }

    [Theory]
    [InlineData("two words")]
    [InlineData("line\nbreak")]
    [InlineData("ümlaut")]
    public void ApiKey_ThatAHeaderCannotCarry_IsRefused(string key) =>
        Assert.Throws<ArgumentException>(() => new OrchestratorClient(new Uri("http://engine.test:5080")) { ApiKey = key });

    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData(null, "No API key is set")]
    [InlineData("wrong", "The API key set was refused")]
    public async Task Unauthorized_ThrowsWithWhatToConfigure_AndLogsAConfigurationError(string? key, string hint)
    {
        var handler = new StubHandler([(HttpStatusCode.Unauthorized,
            """{"title":"Unauthorized","status":401,"detail":"This call needs header X-Api-Key with the engine's API key (Orchestrator:ApiKey)."}""",
            "application/problem+json")]);
        var logger = new ListLogger();
        using var client = new OrchestratorClient(new Uri("http://engine.test:5080"), new HttpClient(handler)) { ApiKey = key, Logger = logger };

        var ex = await Assert.ThrowsAsync<OrchestratorApiException>(() => client.GetHistoryAsync("w", "r"));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains(hint, ex.Message, StringComparison.Ordinal);
        Assert.Contains("Orchestrator:ApiKey", ex.Message, StringComparison.Ordinal);
        var (level, message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, level);
        Assert.StartsWith("Configuration error: the engine at http://engine.test:5080/ refused the worker's API key (401)", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "root-key")]
    [InlineData(true, "worker-key")]
    public void WorkerOptions_ApiKey_IsTheEnginesOrchestratorApiKey_AndOrchestratorWorkerApiKeyWins(bool workerKeySet, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Orchestrator:RabbitMq"] = "amqp://guest:guest@127.0.0.1:5672/", ["Orchestrator:ApiKey"] = "root-key" };
        if (workerKeySet)
        {
            settings["Orchestrator:Worker:ApiKey"] = "worker-key";
        }
        var services = new ServiceCollection().AddLogging();
        services.AddOrchestratorWorker(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), _ => { });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<OrchestratorWorkerOptions>>().Value;

        Assert.Equal(expected, options.ApiKey);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task StartWorkflow_PostsTheStartBody_AndReturnsAHandle()
    {
        var (client, handler) = Create((HttpStatusCode.Created, """{"workflowId":"order-42","runId":"r-1"}""", "application/json"));

        var handle = await client.StartWorkflowAsync("OrderWorkflow", new OrderInput("o-1", 42.5m, ["book"]),
            new StartWorkflowOptions { WorkflowId = "order-42", TaskQueue = "orders", IdReusePolicy = WorkflowIdReusePolicy.RejectDuplicate });

        Assert.Equal(("order-42", "r-1"), (handle.WorkflowId, handle.RunId));
        var request = Assert.Single(handler.Requests);
        Assert.Equal("POST http://engine.test:5080/api/v1/workflows", request.Line);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("OrderWorkflow", body.RootElement.GetProperty("workflowType").GetString());
        Assert.Equal("order-42", body.RootElement.GetProperty("workflowId").GetString());
        Assert.Equal("orders", body.RootElement.GetProperty("taskQueue").GetString());
        Assert.Equal("RejectDuplicate", body.RootElement.GetProperty("idReusePolicy").GetString());
        Assert.Equal(42.5m, body.RootElement.GetProperty("input").GetProperty("amount").GetDecimal());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task SignalWithStart_PostsTheBody_AndReturnsAHandleOfTheRunThatGotTheSignal()
    {
        var (client, handler) = Create((HttpStatusCode.OK, """{"workflowId":"cart-1","runId":"r-7","started":false}""", "application/json"));

        var handle = await client.SignalWithStartWorkflowAsync("CartWorkflow", "cart-1", new { customerId = "c-1" }, "AddItem", new { sku = "pen" },
            new StartWorkflowOptions { TaskQueue = "shop", RunTimeout = TimeSpan.FromHours(1) });

        Assert.Equal(("cart-1", "r-7"), (handle.WorkflowId, handle.RunId));
        var request = Assert.Single(handler.Requests);
        Assert.Equal("POST http://engine.test:5080/api/v1/workflows/signal-with-start", request.Line);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal("CartWorkflow", body.RootElement.GetProperty("workflowType").GetString());
        Assert.Equal("cart-1", body.RootElement.GetProperty("workflowId").GetString());
        Assert.Equal("AddItem", body.RootElement.GetProperty("signalName").GetString());
        Assert.Equal("shop", body.RootElement.GetProperty("taskQueue").GetString());
        Assert.Equal("c-1", body.RootElement.GetProperty("input").GetProperty("customerId").GetString());
        Assert.Equal("pen", body.RootElement.GetProperty("signalInput").GetProperty("sku").GetString());
        Assert.Equal("01:00:00", body.RootElement.GetProperty("runTimeout").GetString());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task SignalWithStart_OptionsWithAnotherIdOrAReusePolicy_ThrowBeforeAnyCall()
    {
        var (client, handler) = Create();

        await Assert.ThrowsAsync<ArgumentException>(() => client.SignalWithStartWorkflowAsync("T", "a", null, "s", options: new StartWorkflowOptions { WorkflowId = "b" }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SignalWithStartWorkflowAsync("T", "a", null, "s",
            options: new StartWorkflowOptions { IdReusePolicy = WorkflowIdReusePolicy.RejectDuplicate }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SignalWithStartWorkflowAsync("T", "a", null, " "));
        Assert.Empty(handler.Requests);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task StartWorkflow_WithoutOptions_SendsOnlyTypeAndInput()
    {
        var (client, handler) = Create((HttpStatusCode.Created, """{"workflowId":"generated","runId":"r-1"}""", "application/json"));

        await client.StartWorkflowAsync("OrderWorkflow", null);

        Assert.Equal("""{"workflowType":"OrderWorkflow"}""", handler.Requests[0].Body);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task SignalCancelTerminate_PostToTheirUrls()
    {
        var (client, handler) = Create(
            (HttpStatusCode.Accepted, "", "text/plain"), (HttpStatusCode.Accepted, "", "text/plain"), (HttpStatusCode.Accepted, "", "text/plain"));

        await client.SignalWorkflowAsync("order 42", "approve", new { by = "ana" });
        await client.CancelWorkflowAsync("order 42");
        await client.TerminateWorkflowAsync("order 42", "stuck");

        Assert.Equal(
            [
                "POST http://engine.test:5080/api/v1/workflows/order%2042/signals/approve",
                "POST http://engine.test:5080/api/v1/workflows/order%2042/cancel",
                "POST http://engine.test:5080/api/v1/workflows/order%2042/terminate",
            ],
            handler.Requests.Select(r => r.Line));
        Assert.Equal("""{"by":"ana"}""", handler.Requests[0].Body);
        Assert.Equal("""{"reason":"stuck"}""", handler.Requests[2].Body);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task DescribeWorkflow_ParsesTheDescribeBody()
    {
        var (client, handler) = Create((HttpStatusCode.OK, Describe, "application/json"));

        var run = await client.DescribeWorkflowAsync("order-42", "r-1");

        Assert.Equal("GET http://engine.test:5080/api/v1/workflows/order-42?runId=r-1", handler.Requests[0].Line);
        Assert.Equal(WorkflowStatus.Running, run.Status);
        Assert.Equal("OrderWorkflow", run.WorkflowType);
        Assert.Equal("o-1", run.Input!.Value.GetProperty("orderId").GetString());
        Assert.Equal(7, run.HistoryLength);
        var pending = Assert.Single(run.PendingActivities!);
        Assert.Equal((5L, "Charge", 2, "TimeoutException"), (pending.ScheduledEventId, pending.ActivityName, pending.Attempt, pending.LastFailure!.Type));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ListWorkflows_SendsTheFilters_AndParsesThePage()
    {
        var (client, handler) = Create((HttpStatusCode.OK, $$"""{"workflows":[{{Describe}}],"nextPageToken":"n2"}""", "application/json"));

        var page = await client.ListWorkflowsAsync(WorkflowStatus.Failed, "OrderWorkflow", "order-", 20, "n1");

        Assert.Equal("GET http://engine.test:5080/api/v1/workflows?status=Failed&workflowType=OrderWorkflow&workflowIdPrefix=order-&pageSize=20&pageToken=n1", handler.Requests[0].Line);
        Assert.Equal("order-42", Assert.Single(page.Workflows).WorkflowId);
        Assert.Equal("n2", page.NextPageToken);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task GetHistory_ParsesEvents()
    {
        var (client, handler) = Create((HttpStatusCode.OK,
            """{"events":[{"eventId":1,"eventType":"WorkflowStarted","timestamp":"2025-01-01T00:00:00Z","attributes":{"workflowType":"OrderWorkflow"}}],"nextPageToken":null}""",
            "application/json"));

        var page = await client.GetHistoryAsync("order-42", pageSize: 100);

        Assert.Equal("GET http://engine.test:5080/api/v1/workflows/order-42/history?pageSize=100", handler.Requests[0].Line);
        Assert.Equal("WorkflowStarted", Assert.Single(page.Events).EventType);
        Assert.Null(page.NextPageToken);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ProblemDetails_ThrowOrchestratorApiException()
    {
        var (client, _) = Create((HttpStatusCode.Conflict,
            """{"type":"about:blank","title":"Workflow already running","status":409,"detail":"order-42 has an open run."}""", "application/problem+json"));

        var ex = await Assert.ThrowsAsync<OrchestratorApiException>(() => client.StartWorkflowAsync("OrderWorkflow", null, new StartWorkflowOptions { WorkflowId = "order-42" }));

        Assert.Equal(HttpStatusCode.Conflict, ex.StatusCode);
        Assert.Equal("Workflow already running", ex.Title);
        Assert.Equal("order-42 has an open run.", ex.Detail);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task GetResult_Follows202Then200_AndReturnsTheResult()
    {
        var completed = Describe.Replace("\"Running\"", "\"Completed\"", StringComparison.Ordinal)
            .Replace("\"result\":null", "\"result\":{\"orderId\":\"o-1\",\"receiptId\":\"r\",\"reservationId\":\"s\",\"trackingNumber\":\"t\"}", StringComparison.Ordinal);
        var (client, handler) = Create((HttpStatusCode.Accepted, Describe, "application/json"), (HttpStatusCode.OK, completed, "application/json"));

        var result = await client.GetHandle("order-42").GetResultAsync<OrderResult>();

        Assert.Equal(new OrderResult("o-1", "r", "s", "t"), result);
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal("GET http://engine.test:5080/api/v1/workflows/order-42/result?waitSeconds=30", r.Line));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task GetResult_OfAFailedRun_ThrowsWorkflowFailedException()
    {
        var failed = Describe.Replace("\"Running\"", "\"Failed\"", StringComparison.Ordinal)
            .Replace("\"failure\":null", "\"failure\":{\"type\":\"ActivityFailedException\",\"message\":\"Ship failed\"}", StringComparison.Ordinal);
        var (client, _) = Create((HttpStatusCode.OK, failed, "application/json"));

        var ex = await Assert.ThrowsAsync<WorkflowFailedException>(() => client.GetResultAsync<OrderResult>("order-42"));

        Assert.Equal("order-42", ex.WorkflowId);
        Assert.Equal("ActivityFailedException", ex.Failure.Type);
        Assert.Equal("Ship failed", ex.Failure.Message);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task GetResult_OfATerminatedRunWithoutFailure_ThrowsWithTheStatus()
    {
        var (client, _) = Create((HttpStatusCode.OK, Describe.Replace("\"Running\"", "\"Terminated\"", StringComparison.Ordinal), "application/json"));

        var ex = await Assert.ThrowsAsync<WorkflowFailedException>(() => client.GetResultAsync<OrderResult>("order-42"));

        Assert.Equal("Terminated", ex.Failure.Type);
    }

    private sealed class StubHandler((HttpStatusCode Status, string Body, string ContentType)[] answers) : HttpMessageHandler
    {
        private int _next;

        public List<(string Line, string? Body, string? ApiKey)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            var key = request.Headers.TryGetValues("X-Api-Key", out var values) ? string.Join(",", values) : null;
            Requests.Add(($"{request.Method} {request.RequestUri!.AbsoluteUri}", body, key));
            var (status, text, contentType) = answers[_next++];
            return new HttpResponseMessage(status) { Content = new StringContent(text, Encoding.UTF8, contentType) };
        }
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
