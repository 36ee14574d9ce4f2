using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine;
using Orchestrator.Engine.Persistence;
using Orchestrator.Sdk;
using Orchestrator.TestSupport;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// A burst of large signals never becomes one giant workflow task message: past the engine's limits the message carries
/// no events and the worker fetches the history. Engine and worker in this process, so the test sees every message sent.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LargeSignalBurstTests
{
    /// <summary>RabbitMQ's default max_message_size since 4.0 (this machine's 3.10 allows 128 MiB).</summary>
    private const int RabbitMqDefaultMaxMessageBytes = 16 * 1024 * 1024;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TwentySignalsOfTwoMiBBufferedIntoOneTask_RunCompletes_AndNoMessageIsOverRabbitMqsLimit()
    {
        var postgres = await TestServers.CreateDatabaseAsync("burst");
        var rabbit = await TestServers.RabbitMqAsync();
        var workerRabbit = await TestServers.RabbitMqWorkerAsync();
        // engine queues are named orchestrator-engine-* (the broker users' permissions, scripts/broker-permissions.tsv)
        var engineQueue = "orchestrator-engine-burst-" + Guid.NewGuid().ToString("N")[..8];
        var taskQueue = "burst-" + Guid.NewGuid().ToString("N")[..8];
        var port = FreePort();
        await DatabaseMigrator.MigrateAsync(postgres, NullLogger.Instance);
        var engine = EngineHost.Build(["--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning"],
            new EngineOptions { Postgres = postgres, RabbitMq = rabbit, EngineQueue = engineQueue });
        var sizes = new TaskMessageSizes();
        await engine.StartAsync();
        engine.Services.GetRequiredService<IBus>().ConnectSendObserver(sizes);
        IHost? worker = null;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(100) };
            using (var started = await http.PostAsJsonAsync("/api/v1/workflows", new { workflowType = "TwentySignalsWorkflow", workflowId = "burst-1", taskQueue }))
            {
                Assert.Equal(HttpStatusCode.Created, started.StatusCode);
            }
            // no worker yet: the first workflow task stays in flight, so all 20 signals are buffered and come in one task
            var chunk = JsonSerializer.Serialize(new string('x', 2_000_000));
            for (var i = 0; i < 20; i++)
            {
                using var signal = await http.PostAsync("/api/v1/workflows/burst-1/signals/chunk", new StringContent(chunk, Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Accepted, signal.StatusCode);
            }
            worker = StartWorker(workerRabbit, port, taskQueue, engineQueue);
            await worker.StartAsync();

            using var result = await http.GetAsync("/api/v1/workflows/burst-1/result?waitSeconds=60");
            var body = await result.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, result.StatusCode);
            using var describe = JsonDocument.Parse(body);
            Assert.Equal("Completed", describe.RootElement.GetProperty("status").GetString());
            Assert.Equal(20 * 2_000_000, describe.RootElement.GetProperty("result").GetInt32());
            Assert.True(sizes.Count >= 2, $"{sizes.Count} workflow task messages seen");
            Assert.True(sizes.Largest < RabbitMqDefaultMaxMessageBytes, $"a workflow task message of {sizes.Largest} bytes was sent");
        }
        finally
        {
            if (worker is not null)
            {
                await worker.StopAsync();
                worker.Dispose();
            }
            await engine.StopAsync();
            await engine.DisposeAsync();
            await TestServers.DropDatabaseAsync(postgres);
        }
    }

    private static IHost StartWorker(string rabbit, int port, string taskQueue, string engineQueue)
    {
        var builder = Host.CreateApplicationBuilder(["--Logging:LogLevel:Default=Warning"]);
        builder.Configuration["Orchestrator:RabbitMq"] = rabbit;
        builder.Configuration["Orchestrator:EngineUrl"] = $"http://127.0.0.1:{port}";
        builder.Configuration["Orchestrator:TaskQueue"] = taskQueue;
        builder.Configuration["Orchestrator:Worker:EngineQueue"] = engineQueue;
        builder.Services.AddOrchestratorWorker(builder.Configuration, w => w.AddWorkflow<TwentySignalsWorkflow>());
        return builder.Build();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>The JSON size of every workflow task message the engine sends.</summary>
    private sealed class TaskMessageSizes : ISendObserver
    {
        private long _largest;
        private int _count;

        public long Largest => Interlocked.Read(ref _largest);

        public int Count => Volatile.Read(ref _count);

        public Task PreSend<T>(SendContext<T> context) where T : class
        {
            if (context.Message is WorkflowTaskMessage message)
            {
                var bytes = JsonSerializer.SerializeToUtf8Bytes(message, HistoryJson.Options).Length;
                Interlocked.Increment(ref _count);
                long seen;
                while (bytes > (seen = Interlocked.Read(ref _largest)) && Interlocked.CompareExchange(ref _largest, bytes, seen) != seen)
                {
                }
            }
            return Task.CompletedTask;
        }

        public Task PostSend<T>(SendContext<T> context) where T : class => Task.CompletedTask;

        public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}

[Workflow]
public sealed class TwentySignalsWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context)
    {
        var total = 0;
        for (var i = 0; i < 20; i++)
        {
            total += (await context.WaitForSignalAsync<string>("chunk")).Length;
        }
        return total;
    }
}
