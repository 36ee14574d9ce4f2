using MassTransit;
using RabbitMQ.Client;

namespace Orchestrator.Engine.Broker;

/// <summary>The engine's RabbitMQ host and queue settings (one place for the receive endpoint, error queues and the dispatch declarations).</summary>
internal static class RabbitMqSetup
{
    public const string Quorum = "quorum";
    public const string Classic = "classic";

    /// <summary>Connects to <see cref="EngineOptions.RabbitMq"/>, or to the first reachable of <see cref="EngineOptions.RabbitMqNodes"/> with its credentials.</summary>
    public static void Host(IRabbitMqBusFactoryConfigurator cfg, EngineOptions options)
    {
        var nodes = Nodes(options.RabbitMqNodes);
        cfg.Host(new Uri(options.RabbitMq), h =>
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
    }

    /// <summary>Queue arguments of a queue of <paramref name="queueType"/>: quorum sets <c>x-queue-type</c>; classic sets nothing, so queues declared before queue types were configurable stay equivalent.</summary>
    public static Dictionary<string, object?> QueueArguments(string queueType) =>
        queueType == Quorum ? new() { ["x-queue-type"] = Quorum } : [];

    /// <summary>Applies the queue type to a receive endpoint's queue (and, through the send topology, to its error and skipped queues).</summary>
    public static void ApplyQueueType(IRabbitMqQueueConfigurator queue, string queueType)
    {
        if (queueType == Quorum)
        {
            queue.SetQuorumQueue();
        }
    }

    /// <summary>
    /// A connection of the engine's own beside the bus (declarations, the events consumer), to <see cref="EngineOptions.RabbitMq"/>
    /// or the first reachable of <see cref="EngineOptions.RabbitMqNodes"/>, without the client's automatic recovery: its owner
    /// connects again when it finds it closed.
    /// </summary>
    public static Task<IConnection> ConnectAsync(EngineOptions options, string clientName, CancellationToken cancellationToken, TimeSpan? heartbeat = null)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(options.RabbitMq),
            ClientProvidedName = clientName,
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
        };
        if (heartbeat is { } h)
        {
            factory.RequestedHeartbeat = h;
        }
        var nodes = Nodes(options.RabbitMqNodes);
        return nodes.Count == 0
            ? factory.CreateConnectionAsync(cancellationToken)
            : factory.CreateConnectionAsync(nodes.Select(n => AmqpTcpEndpoint.Parse(n)).ToList(), cancellationToken);
    }

    /// <summary><c>host:port</c> entries of a comma-separated node list (empty when not set).</summary>
    public static IReadOnlyList<string> Nodes(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A problem with the broker settings, or null.</summary>
    public static string? Validate(EngineOptions options)
    {
        if (!Uri.TryCreate(options.RabbitMq, UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
        {
            return "Orchestrator:RabbitMq must be an AMQP URI such as amqp://user:password@127.0.0.1:5672/ (env Orchestrator__RabbitMq).";
        }
        if (options.QueueType is not (Quorum or Classic))
        {
            return $"Orchestrator:QueueType must be '{Quorum}' (the default) or '{Classic}', not '{options.QueueType}'.";
        }
        foreach (var node in Nodes(options.RabbitMqNodes))
        {
            var parts = node.Split(':');
            if (parts.Length != 2 || parts[0].Length == 0 || !ushort.TryParse(parts[1], out var port) || port == 0)
            {
                return $"Orchestrator:RabbitMqNodes must be a comma-separated list of host:port, and '{node}' is not.";
            }
        }
        return null;
    }
}
