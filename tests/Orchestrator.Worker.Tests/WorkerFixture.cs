using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Contracts.Messages;
using Orchestrator.Sdk;
using Orchestrator.TestSupport;
using OrderSample;

namespace Orchestrator.Worker.Tests;

/// <summary>
/// A worker host on its own task queue and engine queue (so tests, and a real engine, sharing the broker never see each
/// other's messages), plus a test bus that plays the engine: it sends tasks and collects the worker's answers.
/// </summary>
internal sealed class WorkerFixture : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Channel<object> _answers = Channel.CreateUnbounded<object>();
    private IBusControl? _engineBus;

    private WorkerFixture(IHost host, Uri broker, Uri workerBroker, string taskQueue, string engineQueue)
    {
        Host = host;
        Broker = broker;
        WorkerBroker = workerBroker;
        TaskQueue = taskQueue;
        EngineQueue = engineQueue;
    }

    public IHost Host { get; }

    /// <summary>The broker with the engine's user (the test bus plays the engine).</summary>
    public Uri Broker { get; }

    /// <summary>The broker with the workers' user (the worker host's).</summary>
    public Uri WorkerBroker { get; }

    public string TaskQueue { get; }

    public string EngineQueue { get; }

    /// <param name="register">More workflows and activities than the order sample's (a test's own).</param>
    public static async Task<WorkerFixture> StartAsync(Uri? engineUrl = null, bool listen = true, Action<OrchestratorWorkerOptions>? configure = null,
        Action<OrchestratorWorkerBuilder>? register = null)
    {
        var broker = new Uri(await TestServers.RabbitMqAsync());
        var workerBroker = new Uri(await TestServers.RabbitMqWorkerAsync());
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var taskQueue = "test-" + suffix;
        var engineQueue = "orchestrator-engine-test-" + suffix;
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:RabbitMq"] = workerBroker.ToString(),
            ["Orchestrator:TaskQueue"] = taskQueue,
            ["Orchestrator:EngineUrl"] = (engineUrl ?? new Uri("http://127.0.0.1:9")).ToString(),
            ["Orchestrator:Worker:EngineQueue"] = engineQueue,
        });
        builder.Services.AddOrchestratorWorker(builder.Configuration, w =>
        {
            w.AddWorkflow<OrderWorkflow>().AddActivities<OrderActivities>().AddActivities<TestActivities>();
            register?.Invoke(w);
            if (configure is not null)
            {
                w.Configure(configure);
            }
        });
        var host = builder.Build();
        using var cts = new CancellationTokenSource(Timeout);
        await host.StartAsync(cts.Token);
        var fixture = new WorkerFixture(host, broker, workerBroker, taskQueue, engineQueue);
        if (listen)
        {
            await fixture.ListenAsync();
        }
        return fixture;
    }

    /// <summary>Starts consuming the engine queue (the answers).</summary>
    public async Task ListenAsync()
    {
        var writer = _answers.Writer;
        _engineBus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(Broker);
            cfg.OverrideDefaultBusEndpointQueueName($"{EngineQueue}-bus-{Guid.NewGuid():N}");
            cfg.ReceiveEndpoint(EngineQueue, e =>
            {
                // as the engine declares it: quorum, bound to the inbox exchange the worker publishes into
                e.ConfigureConsumeTopology = false;
                e.SetQuorumQueue();
                e.Bind(QueueNames.Inbox(EngineQueue));
                e.Handler<WorkflowTaskCompletedMessage>(c => writer.WriteAsync(c.Message).AsTask());
                e.Handler<WorkflowTaskFailedMessage>(c => writer.WriteAsync(c.Message).AsTask());
                e.Handler<ActivityTaskCompletedMessage>(c => writer.WriteAsync(c.Message).AsTask());
                e.Handler<ActivityTaskFailedMessage>(c => writer.WriteAsync(c.Message).AsTask());
                e.Handler<ActivityHeartbeatMessage>(c => writer.WriteAsync(c.Message).AsTask());
            });
        });
        using var cts = new CancellationTokenSource(Timeout);
        await _engineBus.StartAsync(cts.Token);
    }

    public Task SendAsync(WorkflowTaskMessage task) => SendAsync(QueueNames.WorkflowTasks(TaskQueue), task);

    public Task SendAsync(ActivityTaskMessage task) => SendAsync(QueueNames.ActivityTasks(TaskQueue), task);

    private async Task SendAsync<T>(string queue, T message)
        where T : class
    {
        var bus = WorkerBus();
        // the worker declared the queue (quorum) and bound its own exchange to it; a queue: address would declare a classic queue
        var endpoint = await bus.GetSendEndpoint(new Uri($"exchange:{queue}"));
        await endpoint.Send(message);
    }

    /// <summary>Declares the engine queue (quorum) and binds it to its inbox exchange, as an engine does when it starts.</summary>
    public async Task DeclareEngineQueueAsync()
    {
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = Broker };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(EngineQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await channel.ExchangeDeclareAsync(QueueNames.Inbox(EngineQueue), "fanout", durable: true, autoDelete: false);
        await channel.QueueBindAsync(EngineQueue, QueueNames.Inbox(EngineQueue), "");
    }

    /// <summary>The next answer on the engine queue, which must be a <typeparamref name="T"/>.</summary>
    /// <summary>The next message on the engine queue, whatever its type.</summary>
    public async Task<object> NextAnswerAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await _answers.Reader.ReadAsync(cts.Token);
    }

    public async Task<T> NextAnswerAsync<T>()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var answer = await _answers.Reader.ReadAsync(cts.Token);
        return Assert.IsType<T>(answer);
    }

    /// <summary>Takes an answer already received, if any.</summary>
    public bool TryTakeAnswer(out object? answer) => _answers.Reader.TryRead(out answer);

    private IBus WorkerBus() => _engineBus ?? throw new InvalidOperationException("Call ListenAsync first (the test bus sends the tasks).");

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await Host.StopAsync(cts.Token);
        Host.Dispose();
        if (_engineBus is not null)
        {
            await _engineBus.StopAsync(cts.Token);
        }
    }
}
