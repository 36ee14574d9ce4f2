using System.Diagnostics;
using System.Text.Json.Nodes;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Orchestrator.Bench;

/// <summary>
/// The cost of one RabbitMQ hop as the engine and the worker pay it (MassTransit sends persistent messages to durable
/// queues and waits for the publisher confirm): one message at a time, publish → confirm, and publish → delivered to a
/// consumer on another connection; the same with transient messages, for comparison. The queue is of the type the
/// engine and workers declare (<c>Orchestrator:QueueType</c>, env <c>Orchestrator__QueueType</c>: quorum by default), reached
/// through an exchange, under a name the engine's broker user may use (docs/operations.md).
/// </summary>
internal static class RabbitHop
{
    public static async Task MeasureAsync(string amqpUri, bool quick, JsonObject d)
    {
        var factory = new ConnectionFactory { Uri = new Uri(amqpUri) };
        await using var pubConn = await factory.CreateConnectionAsync("bench-hop-pub");
        await using var subConn = await factory.CreateConnectionAsync("bench-hop-sub");
        await using var pub = await pubConn.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await using var sub = await subConn.CreateChannelAsync();
        var queue = $"orchestrator-engine-bench-hop-{Guid.NewGuid():N}";
        var queueType = Environment.GetEnvironmentVariable("Orchestrator__QueueType") is { Length: > 0 } t ? t : "quorum";
        d["queueType"] = queueType;
        await pub.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: queueType == "quorum" ? new Dictionary<string, object?> { ["x-queue-type"] = "quorum" } : null);
        await pub.ExchangeDeclareAsync(queue, ExchangeType.Fanout, durable: true, autoDelete: false);
        await pub.QueueBindAsync(queue, queue, "");
        try
        {
            var received = new SemaphoreSlim(0);
            var consumer = new AsyncEventingBasicConsumer(sub);
            consumer.ReceivedAsync += async (_, ea) =>
            {
                await sub.BasicAckAsync(ea.DeliveryTag, false);
                received.Release();
            };
            await sub.BasicConsumeAsync(queue, autoAck: false, consumer);
            var n = quick ? 100 : 300;
            var body = new byte[600];
            foreach (var persistent in new[] { true, false })
            {
                var props = new BasicProperties { Persistent = persistent };
                var confirmMs = new List<double>();
                var deliverMs = new List<double>();
                for (var i = 0; i < n + 10; i++)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    await pub.BasicPublishAsync(queue, "", mandatory: false, props, body); // returns after the confirm
                    var confirmed = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    await received.WaitAsync(TimeSpan.FromSeconds(10));
                    var delivered = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                    if (i >= 10)
                    {
                        confirmMs.Add(confirmed);
                        deliverMs.Add(delivered);
                    }
                }
                d[persistent ? "persistent" : "transient"] = new JsonObject
                {
                    ["messages"] = n,
                    ["publishConfirmMsP50"] = P(confirmMs, 50), ["publishConfirmMsP99"] = P(confirmMs, 99),
                    ["publishToConsumerMsP50"] = P(deliverMs, 50), ["publishToConsumerMsP99"] = P(deliverMs, 99),
                };
            }
        }
        finally
        {
            await pub.QueueDeleteAsync(queue);
            await pub.ExchangeDeleteAsync(queue);
        }
    }

    private static double P(List<double> values, double p)
    {
        var s = values.Order().ToArray();
        return Math.Round(s[Math.Clamp((int)Math.Ceiling(p / 100 * s.Length) - 1, 0, s.Length - 1)], 3);
    }
}
