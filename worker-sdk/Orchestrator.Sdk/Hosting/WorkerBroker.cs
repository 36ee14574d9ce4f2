using MassTransit;
using Orchestrator.Contracts.Messages;

namespace Orchestrator.Sdk.Hosting;

/// <summary>The worker's RabbitMQ host, queue type and send settings (docs/operations.md).</summary>
internal static class WorkerBroker
{
    public const string Quorum = "quorum";
    public const string Classic = "classic";

    /// <summary><c>host:port</c> entries of a comma-separated node list (empty when not set).</summary>
    public static IReadOnlyList<string> Nodes(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Host, cluster nodes, bus queue name, error queue types and mandatory sends of the worker's bus.</summary>
    public static void Configure(IRabbitMqBusFactoryConfigurator cfg, OrchestratorWorkerOptions o)
    {
        var nodes = Nodes(o.RabbitMqNodes);
        cfg.Host(new Uri(o.RabbitMq!), h =>
        {
            if (nodes.Count > 0)
            {
                h.UseCluster(c =>
                {
                    foreach (var node in nodes)
                    {
                        c.Node(node);
                    }
                });
            }
        });
        // The bus's own temporary queue, under a name the worker's broker user may declare.
        cfg.OverrideDefaultBusEndpointQueueName($"orchestrator-worker-bus-{NewId.NextGuid():N}");
        cfg.SendTopology.ConfigureErrorSettings = q => ApplyQueueType(q, o.QueueType);
        cfg.SendTopology.ConfigureDeadLetterSettings = q => ApplyQueueType(q, o.QueueType);
        // Mandatory: an answer sent while no engine queue is bound to the engine's inbox (no engine ever started on this
        // broker) comes back as an error instead of vanishing; the engine's task timeout then sends the task again.
        cfg.ConfigureSend(s => s.UseExecute(context =>
        {
            if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            {
                rabbit.Mandatory = true;
            }
        }));
    }

    /// <summary>The queue type of a task queue's queue (and of its error and skipped queues): quorum sets <c>x-queue-type</c>; classic sets nothing, so queues declared by earlier versions stay equivalent.</summary>
    public static void ApplyQueueType(IRabbitMqQueueConfigurator queue, string queueType)
    {
        if (queueType == Quorum)
        {
            queue.SetQuorumQueue();
        }
    }

    /// <summary>Where answers go: the engine queue's inbox exchange (the worker may publish there, not read or declare the queue).</summary>
    public static Uri EngineAddress(string engineQueue) => new($"exchange:{QueueNames.Inbox(engineQueue)}");
}
