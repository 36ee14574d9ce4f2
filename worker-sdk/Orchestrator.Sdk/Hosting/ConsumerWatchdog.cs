using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Orchestrator.Messaging;

/// <summary>
/// Asks the broker, over a connection of its own, how many consumers each queue of this process has, and calls for a new
/// bus (or a restarted one) when a queue the bus says it consumes has had none for <see cref="Strikes"/> checks in a row.
/// </summary>
/// <remarks>
/// Why: after a broker restart, MassTransit 8.5 on RabbitMQ.Client 7.2 can miss the shutdown of a consumer's channel. The
/// receive endpoint then stays "ready" on a channel that is closed, the broker lists no consumer on its queue, and every
/// task sent to that queue waits there for good (seen in CrashTests.RabbitMqStoppedForTenSecondsMidRun_EveryWorkflowCompletes:
/// the workflow queue had ready messages and no consumer while the activity queue, restarted, ran on). The bus cannot see
/// it, so the broker is asked. A queue with consumers of other processes hides a lost consumer of this one; the queue is
/// then still served, by them. The engine links this file too: its queue can lose its consumer the same way.
/// </remarks>
internal sealed partial class ConsumerWatchdog : IAsyncDisposable
{
    /// <summary>Checks in a row that must find no consumer before the bus is replaced (a normal reconnect takes one or two).</summary>
    public const int Strikes = 3;

    private readonly Uri _broker;
    private readonly IReadOnlyList<string> _nodes;
    private readonly string _clientName;
    private readonly ILogger _logger;
    private readonly Dictionary<string, int> _strikes = [];
    private IConnection? _connection;

    /// <param name="broker">AMQP URI with the process's own broker user.</param>
    /// <param name="nodes"><c>host:port</c> of a cluster's nodes (empty: the URI's host).</param>
    /// <param name="clientName">The connection's name in the broker's connection list.</param>
    /// <param name="logger">Where strikes and failed checks are logged.</param>
    public ConsumerWatchdog(Uri broker, IReadOnlyList<string> nodes, string clientName, ILogger logger)
    {
        (_broker, _nodes, _clientName, _logger) = (broker, nodes, clientName, logger);
        CountConsumersAsync = AskBrokerAsync;
    }

    /// <summary>How many consumers the broker has on a queue, or null when it could not be asked (replaced in tests).</summary>
    internal Func<string, CancellationToken, Task<uint?>> CountConsumersAsync { get; set; }

    /// <summary>
    /// One check of <paramref name="queues"/>: the queues <paramref name="isConsuming"/> says the bus consumes and the broker
    /// says have no consumer get a strike; any other answer clears it. Returns the queue that reached
    /// <see cref="Strikes"/> (its consumer is lost: replace the bus), else null.
    /// </summary>
    public async Task<string?> CheckAsync(IReadOnlyList<string> queues, Func<string, bool> isConsuming, CancellationToken cancellationToken)
    {
        foreach (var queue in queues)
        {
            if (!isConsuming(queue))
            {
                _strikes[queue] = 0; // (re)connecting: the bus knows, and MassTransit retries by itself
                continue;
            }
            var consumers = await CountConsumersAsync(queue, cancellationToken).ConfigureAwait(false);
            if (consumers is not 0)
            {
                _strikes[queue] = 0;
                continue;
            }
            var strikes = _strikes[queue] = _strikes.GetValueOrDefault(queue) + 1;
            Log.QueueWithoutConsumer(_logger, queue, strikes, Strikes);
            if (strikes >= Strikes)
            {
                _strikes.Clear();
                return queue;
            }
        }
        return null;
    }

    private async Task<uint?> AskBrokerAsync(string queue, CancellationToken cancellationToken)
    {
        try
        {
            if (_connection is not { IsOpen: true })
            {
                await DropConnectionAsync().ConfigureAwait(false);
                _connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
            // a channel per question: a passive declare of a missing queue closes its channel
            var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (channel.ConfigureAwait(false))
            {
                var ok = await channel.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false);
                return ok.ConsumerCount;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.ConsumerCheckFailed(_logger, queue, ex.GetType().Name, ex.Message);
            await DropConnectionAsync().ConfigureAwait(false);
            return null;
        }
    }

    private Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = _broker,
            AutomaticRecoveryEnabled = false, // connected again at the next check
            TopologyRecoveryEnabled = false,
            ClientProvidedName = _clientName,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
        };
        if (_nodes.Count == 0)
        {
            return factory.CreateConnectionAsync(cancellationToken);
        }
        var endpoints = _nodes.Select(n => AmqpTcpEndpoint.Parse(n)).ToList();
        return factory.CreateConnectionAsync(endpoints, cancellationToken);
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            try
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.ConsumerCheckFailed(_logger, "(closing the watchdog's connection)", ex.GetType().Name, ex.Message);
            }
        }
    }

    public ValueTask DisposeAsync() => new(DropConnectionAsync());

    private static partial class Log
    {
        [LoggerMessage(1014, LogLevel.Warning, "The broker lists no consumer on queue {Queue} although this process's bus consumes it ({Strikes} of {Limit} checks in a row)")]
        public static partial void QueueWithoutConsumer(ILogger logger, string queue, int strikes, int limit);

        [LoggerMessage(1015, LogLevel.Debug, "Could not ask the broker for the consumers of {Queue}: {ErrorType}: {ErrorMessage}")]
        public static partial void ConsumerCheckFailed(ILogger logger, string queue, string errorType, string errorMessage);
    }
}
