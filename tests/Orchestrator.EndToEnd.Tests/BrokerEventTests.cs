using System.Net;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Dapper;
using MassTransit;
using Npgsql;
using Orchestrator.TestSupport;
using RabbitMQ.Client;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// Triggers fed from RabbitMQ against a real engine and worker: CloudEvents published to the events exchange by clients
/// that are not ours (structured JSON from the CloudEvents SDK's formatter; the AMQP binary binding written by hand with
/// RabbitMQ.Client), messages of a MassTransit app, and what is dead-lettered with its reason (docs/triggers.md). The
/// cluster has an events exchange of its own (<c>Orchestrator:EventsExchange</c>), so no other test's engine takes these events.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class BrokerEventTests(BrokerEventTests.EventsCluster fixture) : IClassFixture<BrokerEventTests.EventsCluster>
{
    private readonly Cluster _cluster = fixture.Cluster;
    private readonly string _exchange = fixture.Exchange;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private async Task CreateTriggerAsync(object trigger)
    {
        using var response = await _cluster.Http.PostAsync(new Uri(_cluster.EngineUrl(), "/api/v1/triggers"),
            new StringContent(JsonSerializer.Serialize(trigger), Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private object StartTrigger(string triggerId, object source, string workflowId) => new
    {
        triggerId,
        source,
        action = new { kind = "start", workflowType = "ChainWorkflow", taskQueue = _cluster.TaskQueue, workflowId },
    };

    private async Task<long> RunsOfAsync(string workflowId)
    {
        await using var connection = new NpgsqlConnection(_cluster.Postgres);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM workflow_runs WHERE workflow_id = @Id", new { Id = workflowId });
    }

    private async Task<JsonElement> StatsAsync(string triggerId)
    {
        var body = await _cluster.Http.GetStringAsync(new Uri(_cluster.EngineUrl(), $"/api/v1/triggers/{triggerId}"));
        return JsonDocument.Parse(body).RootElement.GetProperty("stats").Clone();
    }

    private async Task PublishAsync(string routingKey, BasicProperties properties, byte[] body)
    {
        await using var channel = await fixture.Publisher.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.BasicPublishAsync(_exchange, routingKey, mandatory: true, properties, body);
    }

    /// <summary>The next message of the cluster's dead-letter queue, waiting for it up to 30 s.</summary>
    private async Task<BasicGetResult> NextDeadLetterAsync()
    {
        await using var channel = await fixture.Publisher.CreateChannelAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await channel.BasicGetAsync(_exchange + ".dead-letter", autoAck: true) is { } message)
            {
                return message;
            }
            Assert.True(DateTime.UtcNow < deadline, "nothing reached the dead-letter queue within 30 s");
            await Task.Delay(100);
        }
    }

    private static string Header(BasicGetResult message, string name) =>
        message.BasicProperties.Headers is { } h && h.TryGetValue(name, out var v) && v is byte[] b ? Encoding.UTF8.GetString(b) : "";

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task StructuredCloudEvent_FromTheSdksFormatter_StartsTheBoundWorkflow_AndThreeCopiesStartOneRun()
    {
        var trigger = NewId("amqp");
        var type = $"com.example.{trigger}";
        await CreateTriggerAsync(StartTrigger(trigger, new { kind = "cloudevents", type }, "amqp-{data.orderId}"));
        var order = NewId("o");
        var cloudEvent = new CloudEvent
        {
            Id = "evt-" + order,
            Source = new Uri("/shop", UriKind.Relative),
            Type = type,
            DataContentType = "application/json",
            Data = new { orderId = order, generation = 0, generations = 0, expectedSignals = 0 },
        };
        var body = new JsonEventFormatter().EncodeStructuredModeMessage(cloudEvent, out var contentType).ToArray();

        for (var i = 0; i < 3; i++)
        {
            await PublishAsync(type, new BasicProperties { ContentType = contentType.ToString(), DeliveryMode = DeliveryModes.Persistent }, body);
        }

        Assert.Equal("Completed", (await _cluster.WaitClosedAsync($"amqp-{order}")).GetProperty("status").GetString());
        await WaitAsync(async () => (await StatsAsync(trigger)).GetProperty("deduplicated").GetInt64() == 2, "two copies deduplicated");
        Assert.Equal(1, await RunsOfAsync($"amqp-{order}"));
        Assert.Equal(1, (await StatsAsync(trigger)).GetProperty("delivered").GetInt64());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task BinaryCloudEvent_WrittenByHand_StartsTheBoundWorkflow_WithTheBodyAsItsData_OncePerEvent()
    {
        var trigger = NewId("bin");
        var type = $"com.example.{trigger}";
        await CreateTriggerAsync(StartTrigger(trigger, new { kind = "cloudevents", type, source = "urn:shop" }, "bin-{data.orderId}-{subject}"));
        var order = NewId("o");
        // the AMQP binary binding: attributes as application properties (AMQP 0-9-1 headers) with the 'cloudEvents:' prefix
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            Headers = new Dictionary<string, object?>
            {
                ["cloudEvents:specversion"] = "1.0",
                ["cloudEvents:id"] = "b-" + order,
                ["cloudEvents:source"] = Encoding.UTF8.GetBytes("urn:shop"), // as most clients write strings: long strings
                ["cloudEvents:type"] = type,
                ["cloudEvents:subject"] = "s1",
                ["cloudEvents:time"] = "2026-12-02T10:00:00Z",
            },
        };
        var data = JsonSerializer.SerializeToUtf8Bytes(new { orderId = order, generation = 0, generations = 0, expectedSignals = 0 });

        for (var i = 0; i < 3; i++)
        {
            await PublishAsync("shop.orders", properties, data);
        }

        var closed = await _cluster.WaitClosedAsync($"bin-{order}-s1");
        Assert.Equal("Completed", closed.GetProperty("status").GetString());
        await WaitAsync(async () => (await StatsAsync(trigger)).GetProperty("deduplicated").GetInt64() == 2, "two copies deduplicated");
        Assert.Equal(1, await RunsOfAsync($"bin-{order}-s1"));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task MassTransitPublisher_StartsTheBoundWorkflow()
    {
        var trigger = NewId("mt");
        // created before the publisher's bus exists: the engine declares the message type's exchange and binds it before the 201
        await CreateTriggerAsync(StartTrigger(trigger, new { kind = "masstransit", messageType = "urn:message:Orchestrator.EndToEnd.Tests.Shop:OrderPlaced" },
            "mt-{data.orderId}"));
        var order = NewId("o");
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(new Uri(fixture.PublisherUri)));
        await bus.StartAsync();
        try
        {
            await bus.Publish(new Shop.OrderPlaced(order, 0, 0, 0));
        }
        finally
        {
            await bus.StopAsync();
        }

        Assert.Equal("Completed", (await _cluster.WaitClosedAsync($"mt-{order}")).GetProperty("status").GetString());
        Assert.Equal(1, await RunsOfAsync($"mt-{order}"));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task EventsThatCannotBeActedOn_LandInTheDeadLetterQueue_WithTheReason()
    {
        // no trigger takes this type
        var unmatched = NewId("nobody");
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { specversion = "1.0", id = "u-1", source = "/shop", type = unmatched, data = new { a = 1 } }));
        await PublishAsync(unmatched, new BasicProperties { ContentType = "application/cloudevents+json", MessageId = "m-unmatched" }, body);
        var dead = await NextDeadLetterAsync();
        Assert.Contains("No trigger matches", Header(dead, "x-orchestrator-reason"), StringComparison.Ordinal);
        Assert.Equal("m-unmatched", dead.BasicProperties.MessageId);
        Assert.Equal(body, dead.Body.ToArray());

        // not a CloudEvent at all
        await PublishAsync("x", new BasicProperties { ContentType = "text/plain" }, "hello"u8.ToArray());
        dead = await NextDeadLetterAsync();
        Assert.Contains("not a CloudEvent", Header(dead, "x-orchestrator-reason"), StringComparison.Ordinal);

        // matched, and its template cannot be filled: dead-lettered and counted on the trigger
        var trigger = NewId("unfill");
        var type = $"com.example.{trigger}";
        await CreateTriggerAsync(StartTrigger(trigger, new { kind = "cloudevents", type }, "o-{data.orderId}"));
        body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { specversion = "1.0", id = "f-1", source = "/shop", type, data = new { other = 1 } }));
        await PublishAsync(type, new BasicProperties { ContentType = "application/cloudevents+json" }, body);
        dead = await NextDeadLetterAsync();
        Assert.Equal(trigger, Header(dead, "x-orchestrator-triggers"));
        Assert.Contains("orderId", Header(dead, "x-orchestrator-reason"), StringComparison.Ordinal);
        var stats = await StatsAsync(trigger);
        Assert.Equal(1, stats.GetProperty("deadLettered").GetInt64());
        Assert.Contains("orderId", stats.GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task EventsQueueDeleted_TheEngineDeclaresItAgain_AndEventsFlowAgain()
    {
        var trigger = NewId("again");
        var type = $"com.example.{trigger}";
        await CreateTriggerAsync(StartTrigger(trigger, new { kind = "cloudevents", type }, "again-{data.orderId}"));
        await using (var channel = await fixture.Publisher.CreateChannelAsync())
        {
            await channel.QueueDeleteAsync(_exchange); // the broker cancels the engine's consumer
        }
        await fixture.WaitConsumingAsync();

        var order = NewId("o");
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            specversion = "1.0", id = "a-" + order, source = "/shop", type, data = new { orderId = order, generation = 0, generations = 0, expectedSignals = 0 },
        }));
        await PublishAsync(type, new BasicProperties { ContentType = "application/cloudevents+json" }, body);

        Assert.Equal("Completed", (await _cluster.WaitClosedAsync($"again-{order}")).GetProperty("status").GetString());
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 30 s: {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>A cluster with an events exchange of its own, and a broker user of a publishing app (all permissions, as a user's app may have).</summary>
    public sealed class EventsCluster : IAsyncLifetime
    {
        private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
        private Cluster? _cluster;
        private IConnection? _publisher;

        public Cluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

        public string Exchange => "orchestrator.events.e2e-" + _suffix;

        public IConnection Publisher => _publisher ?? throw new InvalidOperationException("Not connected.");

        private string PublisherUser => "orchestrator-test-publisher-" + _suffix;

        public string PublisherUri { get; private set; } = "";

        public async Task InitializeAsync()
        {
            await Broker.RunAsync($"add_user {PublisherUser} {_suffix}-pw");
            await Broker.RunAsync($"set_permissions -p / {PublisherUser} .* .* .*");
            PublisherUri = new UriBuilder(await TestServers.RabbitMqAsync()) { UserName = PublisherUser, Password = _suffix + "-pw" }.Uri.ToString();
            _publisher = await new ConnectionFactory { Uri = new Uri(PublisherUri) }.CreateConnectionAsync();
            _cluster = await Cluster.StartAsync(engineEnvironment: new Dictionary<string, string>
            {
                ["Orchestrator__EventsExchange"] = Exchange,
                ["Orchestrator__Engine__BrokerEventsRefreshInterval"] = "00:00:01",
            });
            await WaitConsumingAsync();
        }

        /// <summary>Waits until the engine consumes the events queue (declared, bound, and with a consumer).</summary>
        public async Task WaitConsumingAsync()
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    // a channel per question: a passive declare of a missing queue closes its channel
                    await using var channel = await Publisher.CreateChannelAsync();
                    if ((await channel.QueueDeclarePassiveAsync(Exchange)).ConsumerCount > 0)
                    {
                        return;
                    }
                }
                catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
                {
                }
                Assert.True(DateTime.UtcNow < deadline, $"the engine did not consume queue {Exchange} within 60 s");
                await Task.Delay(100);
            }
        }

        public async Task DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
            if (_publisher is not null)
            {
                await using (var channel = await _publisher.CreateChannelAsync())
                {
                    await channel.QueueDeleteAsync(Exchange);
                    await channel.QueueDeleteAsync(Exchange + ".dead-letter");
                    await channel.ExchangeDeleteAsync(Exchange);
                    await channel.ExchangeDeleteAsync(Exchange + ".dead-letter");
                }
                await _publisher.DisposeAsync();
            }
            await Broker.RunAsync($"delete_user {PublisherUser}");
        }
    }
}
