using System.Collections.Concurrent;
using MassTransit;
using Orchestrator.Contracts.Messages;
using RabbitMQ.Client;

namespace Orchestrator.Engine.Broker;

/// <summary>
/// Declares what the engine sends into before its first send there: the task queue's queue (of the configured queue type,
/// so a task for a task queue no worker has started on yet waits in RabbitMQ), the queue's inbox exchange, and the binding
/// between them. MassTransit cannot declare a queue with arguments from the sending side (a <c>queue:</c> send address
/// declares a classic queue, which fails against a quorum queue with PRECONDITION_FAILED), so the engine declares them on
/// a connection of its own and sends to the inbox exchange (<see cref="SendAddress"/>), which MassTransit declares alone.
/// Binding needs read permission only on the inbox exchange, not on the queue: the engine's broker user cannot consume
/// the workers' queues. A declaration is repeated at most once a minute per queue, so a queue deleted meanwhile comes back.
/// </summary>
internal sealed class DispatchTopology(EngineOptions options, ILogger<DispatchTopology> logger) : IAsyncDisposable
{
    /// <summary>How long a declaration is trusted before the next send declares again (cheap: it repairs a queue deleted meanwhile).</summary>
    internal static readonly TimeSpan Redeclare = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, (Task Task, DateTime At)> _declared = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private IConnection? _connection;

    /// <summary>The send address of <paramref name="queue"/>: its inbox exchange.</summary>
    public static Uri SendAddress(string queue) => new($"exchange:{QueueNames.Inbox(queue)}");

    /// <summary>The task queue's queue an address from <see cref="SendAddress"/> leads to, or null for any other address.</summary>
    public static string? QueueOf(Uri? address)
    {
        if (address is null)
        {
            return null;
        }
        var name = address.Scheme == "exchange" ? address.AbsolutePath : address.Segments[^1];
        if (!name.StartsWith(QueueNames.InboxPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var queue = name[QueueNames.InboxPrefix.Length..];
        return queue.StartsWith("orchestrator-workflow-", StringComparison.Ordinal) || queue.StartsWith("orchestrator-activity-", StringComparison.Ordinal)
            ? queue
            : null;
    }

    /// <summary>Declares <paramref name="queue"/>, its inbox and their binding, unless this process did within <see cref="Redeclare"/>.</summary>
    public Task EnsureAsync(string queue, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var entry = _declared.AddOrUpdate(
            queue,
            q => (DeclareAsync(q), now),
            (q, old) => old.Task.IsFaulted || old.Task.IsCanceled || (old.Task.IsCompletedSuccessfully && now - old.At > Redeclare) ? (DeclareAsync(q), now) : old);
        return entry.Task.WaitAsync(cancellationToken);
    }

    private async Task DeclareAsync(string queue)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var connection = await ConnectAsync(timeout.Token);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: timeout.Token);
            var inbox = QueueNames.Inbox(queue);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                arguments: RabbitMqSetup.QueueArguments(options.QueueType), cancellationToken: timeout.Token);
            await channel.ExchangeDeclareAsync(inbox, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: timeout.Token);
            await channel.QueueBindAsync(queue, inbox, "", cancellationToken: timeout.Token);
            Log.QueueDeclared(logger, queue, options.QueueType, inbox);
        }
        catch (Exception e)
        {
            _declared.TryRemove(queue, out _); // the next send tries again
            Log.QueueDeclareFailed(logger, queue, options.QueueType, e);
            throw;
        }
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true } open)
        {
            return open;
        }
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsOpen: true } again)
            {
                return again;
            }
            if (_connection is { } closed)
            {
                await closed.DisposeAsync();
            }
            _connection = await RabbitMqSetup.ConnectAsync(options, "orchestrator-engine-topology", cancellationToken);
            return _connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.DisposeAsync();
        }
        _connecting.Dispose();
    }
}

/// <summary>
/// Bus send filter: before a send to a task queue's inbox, makes sure <see cref="DispatchTopology"/> declared it; every send
/// is mandatory, so one that no queue is bound to comes back as an error (and is sent again) instead of vanishing.
/// </summary>
internal sealed class DispatchTopologyFilter(DispatchTopology topology) : IFilter<SendContext>
{
    public async Task Send(SendContext context, IPipe<SendContext> next)
    {
        if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
        {
            rabbit.Mandatory = true;
        }
        var queue = DispatchTopology.QueueOf(context.DestinationAddress);
        if (queue is null)
        {
            await next.Send(context);
            return;
        }
        await topology.EnsureAsync(queue, context.CancellationToken);
        await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("dispatchTopology");
}
