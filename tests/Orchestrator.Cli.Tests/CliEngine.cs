using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Sdk;
using Orchestrator.TestSupport;

namespace Orchestrator.Cli.Tests;

/// <summary>
/// An engine process (its own database and engine queue on the shared test servers, an API key) and a worker in this
/// process with the CLI's test workflows on its own task queue; shared by the tests of <see cref="CliCollection"/>.
/// </summary>
public sealed class CliEngine : IAsyncLifetime
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private readonly string _engineQueue = "orchestrator-engine-cli-" + Guid.NewGuid().ToString("N")[..8];
    private ChildProcess? _engine;
    private IHost? _worker;
    private string? _postgres;

    public string ApiKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public string TaskQueue { get; } = "cli-" + Guid.NewGuid().ToString("N")[..8];

    public string Address { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _postgres = await TestServers.CreateDatabaseAsync("cli");
        var port = FreePort();
        Address = $"http://127.0.0.1:{port}";
        _engine = ChildProcess.Start("cli-engine", Binaries.Path("engine/Orchestrator.Engine", "Orchestrator.Engine.dll"), new Dictionary<string, string>
        {
            ["Orchestrator__Postgres"] = _postgres,
            ["Orchestrator__RabbitMq"] = await TestServers.RabbitMqAsync(),
            ["Orchestrator__EngineQueue"] = _engineQueue,
            ["Orchestrator__ApiKey"] = ApiKey,
        }, "--urls", Address);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync($"{Address}/health/ready");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            if (_engine.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The engine did not become ready:\n{_engine.ReadLog()}");
            }
            await Task.Delay(100);
        }
        var builder = Host.CreateApplicationBuilder(["--Logging:LogLevel:Default=Warning"]);
        builder.Configuration["Orchestrator:RabbitMq"] = await TestServers.RabbitMqWorkerAsync();
        builder.Configuration["Orchestrator:EngineUrl"] = Address;
        builder.Configuration["Orchestrator:ApiKey"] = ApiKey;
        builder.Configuration["Orchestrator:TaskQueue"] = TaskQueue;
        builder.Configuration["Orchestrator:Worker:EngineQueue"] = _engineQueue;
        builder.Services.AddOrchestratorWorker(builder.Configuration, w => w
            .AddWorkflow<GreetWorkflow>()
            .AddWorkflow<OutOfStockWorkflow>()
            .AddWorkflow<WaitForGoWorkflow>()
            .AddWorkflow<LongHistoryWorkflow>()
            .AddActivities<CliActivities>());
        _worker = builder.Build();
        await _worker.StartAsync();
    }

    /// <summary>Runs the CLI in this process; ORCHESTRATOR_ADDRESS and ORCHESTRATOR_API_KEY name this engine unless <paramref name="environment"/> is given.</summary>
    public Task<CliRun> RunAsync(params string[] args) => CliRun.InProcessAsync(args, new Dictionary<string, string?>
    {
        ["ORCHESTRATOR_ADDRESS"] = Address,
        ["ORCHESTRATOR_API_KEY"] = ApiKey,
    });

    /// <summary>The describe body straight from the REST API (not through the CLI).</summary>
    public async Task<JsonElement> DescribeAsync(string workflowId)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return await http.GetFromJsonAsync<JsonElement>($"{Address}/api/v1/workflows/{Uri.EscapeDataString(workflowId)}");
    }

    public string EngineLog() => _engine?.ReadLog() ?? "";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.StopAsync();
            _worker.Dispose();
        }
        _engine?.Dispose();
        if (_postgres is not null)
        {
            await TestServers.DropDatabaseAsync(_postgres);
        }
    }
}

/// <summary>The tests that share one <see cref="CliEngine"/>, one at a time (the machine has two cores).</summary>
[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliEngine>
{
    public const string Name = "cli-engine";
}
