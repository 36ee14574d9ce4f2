using MassTransit;
using Orchestrator.TestSupport;

namespace Orchestrator.Engine.Tests.Messaging;

public sealed record PingMessage(Guid Id, string Text);

public sealed class MassTransitRabbitMqTests
{
    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Publish_ThroughRabbitMq_IsConsumed()
    {
        var uri = new Uri(await TestServers.RabbitMqAsync());
        var received = new TaskCompletionSource<PingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = "orchestrator-engine-ping-" + Guid.NewGuid().ToString("N"); // a name the engine's broker user may use
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(uri);
            cfg.OverrideDefaultBusEndpointQueueName(queue + "-bus");
            cfg.ReceiveEndpoint(queue, e =>
            {
                e.ConfigureConsumeTopology = false; // no message-type exchanges: Orchestrator sends, never publishes
                e.Handler<PingMessage>(ctx =>
                {
                    received.TrySetResult(ctx.Message);
                    return Task.CompletedTask;
                });
            });
        });
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        try
        {
            var sent = new PingMessage(Guid.NewGuid(), "hello ✓");
            var endpoint = await bus.GetSendEndpoint(new Uri($"queue:{queue}"));
            await endpoint.Send(sent);

            var got = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(sent, got);
        }
        finally
        {
            await bus.StopAsync();
        }
    }
}
