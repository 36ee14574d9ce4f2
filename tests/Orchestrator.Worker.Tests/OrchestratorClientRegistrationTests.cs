using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Sdk;
using Orchestrator.Sdk.Hosting;

namespace Orchestrator.Worker.Tests;

/// <summary>
/// <c>AddOrchestratorClient(configuration)</c>: the typed client over IHttpClientFactory with the configured address and
/// key, whose resilience handler retries GETs and never POSTs; and the worker's history fetches through the same registration.
/// </summary>
public sealed class OrchestratorClientRegistrationTests
{
    private const string Describe = """
        {"workflowId":"w","runId":"r","workflowType":"T","taskQueue":"default","status":"Running","input":null,"result":null,
         "failure":null,"startedAt":"2025-01-01T00:00:00Z","closedAt":null,"previousRunId":null,"nextRunId":null,
         "parentWorkflowId":null,"parentRunId":null,"historyLength":2,"pendingActivities":null,"pendingWorkflowTask":null}
        """;

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    /// <summary>The services with the client registered over <paramref name="engine"/>, retrying after 1 ms instead of seconds.</summary>
    private static ServiceProvider Client(RecordingHandler engine, IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddOrchestratorClient(configuration, r => r.Retry.Delay = TimeSpan.FromMilliseconds(1))
            .ConfigurePrimaryHttpMessageHandler(() => engine);
        return services.BuildServiceProvider();
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task AddOrchestratorClient_CallsTheConfiguredEngineUrl_WithTheConfiguredApiKey()
    {
        var engine = new RecordingHandler((HttpStatusCode.OK, Describe));
        await using var provider = Client(engine, Settings(("Orchestrator:EngineUrl", "http://engine.test:5099"), ("Orchestrator:ApiKey", "k-123")));

        var described = await provider.GetRequiredService<OrchestratorClient>().DescribeWorkflowAsync("w");

        Assert.Equal("w", described.WorkflowId);
        var request = Assert.Single(engine.Requests);
        Assert.Equal("GET http://engine.test:5099/api/v1/workflows/w", request.Line);
        Assert.Equal("k-123", request.ApiKey);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Get_On503_IsRetried_AndSucceeds()
    {
        var engine = new RecordingHandler((HttpStatusCode.ServiceUnavailable, ""), (HttpStatusCode.ServiceUnavailable, ""), (HttpStatusCode.OK, Describe));
        await using var provider = Client(engine, Settings());

        var described = await provider.GetRequiredService<OrchestratorClient>().DescribeWorkflowAsync("w");

        Assert.Equal("r", described.RunId);
        Assert.Equal(3, engine.Requests.Count);
        Assert.All(engine.Requests, r => Assert.Equal("GET http://127.0.0.1:5080/api/v1/workflows/w", r.Line));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Posts_On503_AreSentOnce_AndTheErrorReachesTheCaller()
    {
        var engine = new RecordingHandler(Enumerable.Repeat((HttpStatusCode.ServiceUnavailable, """{"title":"Service Unavailable","status":503}"""), 10).ToArray());
        await using var provider = Client(engine, Settings());
        var client = provider.GetRequiredService<OrchestratorClient>();

        var calls = new Func<Task>[]
        {
            () => client.StartWorkflowAsync("T", null),
            () => client.SignalWorkflowAsync("w", "s"),
            () => client.CancelWorkflowAsync("w"),
            () => client.TerminateWorkflowAsync("w", "r"),
        };
        foreach (var call in calls)
        {
            var error = await Assert.ThrowsAsync<OrchestratorApiException>(call);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        }

        Assert.Equal(
            ["POST http://127.0.0.1:5080/api/v1/workflows", "POST http://127.0.0.1:5080/api/v1/workflows/w/signals/s",
             "POST http://127.0.0.1:5080/api/v1/workflows/w/cancel", "POST http://127.0.0.1:5080/api/v1/workflows/w/terminate"],
            engine.Requests.Select(r => r.Line));
    }

    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData("Orchestrator:EngineUrl", "ftp://engine.test/", "Orchestrator:EngineUrl")]
    [InlineData("Orchestrator:ApiKey", "two words", "Orchestrator:ApiKey")]
    public async Task InvalidSettings_StopTheHostAtStart_NamingTheKey(string key, string value, string named)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOrchestratorClient(Settings((key, value)));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Worker_FetchesHistoryThroughTheClientRegistration_WithItsKey_AndRetriesA503()
    {
        var engine = new RecordingHandler((HttpStatusCode.ServiceUnavailable, ""), (HttpStatusCode.OK, """{"events":[],"nextPageToken":null}"""));
        var services = new ServiceCollection().AddLogging();
        services.AddOrchestratorWorker(Settings(("Orchestrator:RabbitMq", "amqp://u:p@127.0.0.1:5672/"), ("Orchestrator:EngineUrl", "http://engine.test:5098"),
            ("Orchestrator:ApiKey", "root-key"), ("Orchestrator:Worker:ApiKey", "worker-key")), _ => { });
        services.AddHttpClient(OrchestratorClientServiceCollectionExtensions.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => engine);
        services.Configure<Microsoft.Extensions.Http.Resilience.HttpStandardResilienceOptions>(
            OrchestratorClientServiceCollectionExtensions.HttpClientName + "-standard", r => r.Retry.Delay = TimeSpan.FromMilliseconds(1));
        await using var provider = services.BuildServiceProvider();

        var page = await provider.GetRequiredService<WorkflowTaskHandler>().Engine.GetHistoryAsync("w", "r");

        Assert.Empty(page.Events);
        Assert.Equal(2, engine.Requests.Count);
        Assert.All(engine.Requests, r => Assert.Equal(("GET http://engine.test:5098/api/v1/workflows/w/history?runId=r", "worker-key"), (r.Line, r.ApiKey)));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ClientAndWorker_Together_StackNoSecondResilienceHandler_SoAFailingGetIsTriedFourTimes()
    {
        var engine = new RecordingHandler((HttpStatusCode.ServiceUnavailable, ""));
        var services = new ServiceCollection().AddLogging();
        var settings = Settings(("Orchestrator:RabbitMq", "amqp://u:p@127.0.0.1:5672/"));
        services.AddOrchestratorClient(settings, r => r.Retry.Delay = TimeSpan.FromMilliseconds(1)).ConfigurePrimaryHttpMessageHandler(() => engine);
        services.AddOrchestratorWorker(settings, _ => { });
        services.AddOrchestratorClient(settings);
        await using var provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<OrchestratorApiException>(() => provider.GetRequiredService<OrchestratorClient>().DescribeWorkflowAsync("w"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(4, engine.Requests.Count); // the first try and the standard handler's 3 retries; two handlers would make 16
    }

    /// <summary>Answers each request with the next of <paramref name="answers"/> (the last one again when they run out) and records it.</summary>
    private sealed class RecordingHandler(params (HttpStatusCode Status, string Body)[] answers) : HttpMessageHandler
    {
        private int _next;

        public List<(string Line, string? ApiKey)> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var key = request.Headers.TryGetValues("X-Api-Key", out var values) ? string.Join(",", values) : null;
            lock (Requests)
            {
                Requests.Add(($"{request.Method} {request.RequestUri!.AbsoluteUri}", key));
            }
            var (status, body) = answers[Math.Min(Interlocked.Increment(ref _next) - 1, answers.Length - 1)];
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }
    }
}
