using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;
using Orchestrator.TestSupport;

namespace Orchestrator.Engine.Tests.Dispatch;

/// <summary>A whole engine (REST API, relay, sweeper, listener) in this process, on its own database and engine queue.</summary>
internal sealed class InProcessEngine : IAsyncDisposable
{
    private InProcessEngine(WebApplication app, string postgres, int port)
    {
        App = app;
        Postgres = postgres;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public string Postgres { get; }

    public HttpClient Http { get; }

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <param name="settings">Changes to the engine's timing settings (and its clock) before it starts.</param>
    /// <param name="logs">Receives the engine's log entries from Information on.</param>
    /// <param name="configure">More changes to the engine's host before it is built (e.g. services).</param>
    /// <param name="engineQueuePrefix">The engine queue's name before its random suffix; <c>orchestrator-engine-</c> for one the
    /// least-privileged engine broker user may declare (so the bus starts and readiness can be healthy).</param>
    public static async Task<InProcessEngine> StartAsync(Action<EngineSettings>? settings = null, LogCapture? logs = null, Action<WebApplicationBuilder>? configure = null,
        string engineQueuePrefix = "inproc-engine-")
    {
        var postgres = await TestServers.CreateDatabaseAsync("inproc");
        await DatabaseMigrator.MigrateAsync(postgres, NullLogger.Instance);
        var port = FreePort();
        var app = EngineHost.Build(["--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning"],
            new EngineOptions { Postgres = postgres, RabbitMq = await TestServers.RabbitMqAsync(), EngineQueue = engineQueuePrefix + Guid.NewGuid().ToString("N")[..8] },
            builder =>
            {
                var registered = (EngineSettings)builder.Services.Single(d => d.ServiceType == typeof(EngineSettings)).ImplementationInstance!;
                settings?.Invoke(registered);
                if (logs is not null)
                {
                    builder.Logging.AddProvider(logs);
                }
                configure?.Invoke(builder);
            });
        await app.StartAsync();
        return new InProcessEngine(app, postgres, port);
    }

    public NpgsqlConnection Connect() => new(Postgres);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await TestServers.DropDatabaseAsync(Postgres);
    }
}
