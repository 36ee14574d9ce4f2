using System.Text;
using Npgsql;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Broker;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Orchestrator.Engine.Triggers;

/// <summary>
/// Takes events from RabbitMQ to the triggers: CloudEvents published to the topic exchange <see cref="EngineOptions.EventsExchange"/>
/// (every routing key) and messages of users' MassTransit apps (the message type exchange of each MassTransit trigger is bound
/// to the same queue). An event is acknowledged after its triggers acted on it (their claims deduplicate a redelivery); one
/// that matches no trigger, cannot be read, or that a matched trigger could not act on is published to the dead-letter queue
/// <c>{exchange}.dead-letter</c> with header <c>x-orchestrator-reason</c>, and only then acknowledged: nothing is dropped.
/// </summary>
/// <remarks>
/// Its own connection, without the client's automatic recovery: a closed connection, channel or consumer ends the
/// connection's loop, and a new connection declares everything again (after 1 s, doubling to 30 s while the broker refuses).
/// Every engine consumes the one queue, so each event goes to one engine.
/// </remarks>
internal sealed class BrokerEventSource : BackgroundService
{
    public const string ReasonHeader = "x-orchestrator-reason";
    public const string TriggersHeader = "x-orchestrator-triggers";

    /// <summary>Events handled at once (each waits for its own transactions).</summary>
    private const int Concurrency = 8;

    private readonly EngineOptions _options;
    private readonly EngineSettings _settings;
    private readonly TriggerService _triggers;
    private readonly TriggerStore _store;
    private readonly ILogger<BrokerEventSource> _logger;
    private readonly SemaphoreSlim _refreshNow = new(0);
    private readonly SemaphoreSlim _publishing = new(1);
    private readonly HashSet<string> _bound = [];
    private int _boundCount;
    private TaskCompletionSource _refreshed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BrokerEventSource(EngineOptions options, EngineSettings settings, TriggerService triggers, TriggerStore store, ILogger<BrokerEventSource> logger) =>
        (_options, _settings, _triggers, _store, _logger) = (options, settings, triggers, store, logger);

    public string Exchange => _options.EventsExchange;

    public string DeadLetter => _options.EventsExchange + ".dead-letter";

    /// <summary>How many message type exchanges the last refresh left bound (a deleted or changed trigger needs a refresh only then).</summary>
    public int BoundExchanges => Volatile.Read(ref _boundCount);

    /// <summary>Connections this source made (for tests: more than one means it reconnected).</summary>
    internal int Connections { get; private set; }

    /// <summary>
    /// Binds the message type exchanges of the MassTransit triggers as they are now (and unbinds those of deleted ones),
    /// and returns when that is done, or after <paramref name="timeout"/> when the broker cannot be reached (the next
    /// connection binds them).
    /// </summary>
    public async Task RefreshBindingsAsync(TimeSpan timeout)
    {
        if (_settings.BrokerEventsRefreshInterval <= TimeSpan.Zero)
        {
            return;
        }
        // the sync that completes this one starts after this line: the trigger's commit is visible to it
        var refreshed = Volatile.Read(ref _refreshed).Task;
        _refreshNow.Release();
        try
        {
            await refreshed.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            Log.BrokerEventBindingsLate(_logger, timeout);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_settings.BrokerEventsRefreshInterval <= TimeSpan.Zero)
        {
            return;
        }
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunConnectionAsync(stoppingToken);
                delay = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.BrokerEventSourceFailed(_logger, ex.GetType().Name, ex.Message, delay);
            }
            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    /// <summary>One connection: declares, binds and consumes until the connection, a channel or the consumer is lost.</summary>
    private async Task RunConnectionAsync(CancellationToken stoppingToken)
    {
        var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        // no automatic recovery: this source connects again, and declares again, by itself
        await using var connection = await RabbitMqSetup.ConnectAsync(_options, $"orchestrator-engine-events {_settings.InstanceId}", stoppingToken,
            heartbeat: TimeSpan.FromSeconds(10));
        Connections++;
        connection.ConnectionShutdownAsync += (_, e) => Lost(lost, $"connection closed ({e.ReplyCode} {e.ReplyText})");
        await using var consume = await connection.CreateChannelAsync(new CreateChannelOptions(false, false, consumerDispatchConcurrency: Concurrency),
            stoppingToken);
        consume.ChannelShutdownAsync += (_, e) => Lost(lost, $"consumer channel closed ({e.ReplyCode} {e.ReplyText})");
        await using var publish = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), stoppingToken);
        publish.ChannelShutdownAsync += (_, e) => Lost(lost, $"dead-letter channel closed ({e.ReplyCode} {e.ReplyText})");

        var queueArguments = RabbitMqSetup.QueueArguments(_options.QueueType);
        await consume.ExchangeDeclareAsync(Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: stoppingToken);
        await consume.QueueDeclareAsync(Exchange, durable: true, exclusive: false, autoDelete: false, queueArguments, cancellationToken: stoppingToken);
        await consume.QueueBindAsync(Exchange, Exchange, "#", cancellationToken: stoppingToken);
        await consume.ExchangeDeclareAsync(DeadLetter, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: stoppingToken);
        await consume.QueueDeclareAsync(DeadLetter, durable: true, exclusive: false, autoDelete: false, queueArguments, cancellationToken: stoppingToken);
        await consume.QueueBindAsync(DeadLetter, DeadLetter, "", cancellationToken: stoppingToken);
        _bound.Clear();
        await SyncBindingsAsync(connection, stoppingToken);

        await consume.BasicQosAsync(0, Concurrency * 4, false, stoppingToken);
        var consumer = new AsyncEventingBasicConsumer(consume);
        consumer.ReceivedAsync += (_, delivery) => HandleAsync(consume, publish, delivery, stoppingToken);
        consumer.UnregisteredAsync += (_, _) => Lost(lost, "the broker cancelled the consumer (its queue was deleted?)");
        await consume.BasicConsumeAsync(Exchange, autoAck: false, consumer, stoppingToken);
        Log.BrokerEventSourceConsuming(_logger, Exchange, _bound.Count);

        while (true)
        {
            var refresh = _refreshNow.WaitAsync(_settings.BrokerEventsRefreshInterval, stoppingToken);
            if (await Task.WhenAny(lost.Task, refresh) == lost.Task)
            {
                Log.BrokerEventSourceLost(_logger, await lost.Task);
                return;
            }
            await refresh; // throws when stopping
            await SyncBindingsAsync(connection, stoppingToken);
        }
    }

    private static Task Lost(TaskCompletionSource<string> lost, string why)
    {
        lost.TrySetResult(why);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Binds the queue to the exchange of every MassTransit trigger's message type (declaring the exchange as MassTransit
    /// does: fanout, durable), each time (a binding is idempotent, and another engine may have removed one for a trigger
    /// deleted and made again); unbinds the types this connection bound that no trigger has any more. A type whose
    /// exchange cannot be declared (one of another kind) is logged and tried again next time; it does not stop the others.
    /// </summary>
    private async Task SyncBindingsAsync(IConnection connection, CancellationToken ct)
    {
        var done = Interlocked.Exchange(ref _refreshed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            var types = await _store.MessageTypesAsync(ct);
            var exchanges = types.Select(BrokerEvents.ExchangeOf).ToHashSet(StringComparer.Ordinal);
            IChannel? channel = null;
            try
            {
                foreach (var exchange in exchanges.Concat(_bound.Except(exchanges).ToList()))
                {
                    channel ??= await connection.CreateChannelAsync(cancellationToken: ct);
                    try
                    {
                        if (exchanges.Contains(exchange))
                        {
                            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
                            await channel.QueueBindAsync(Exchange, exchange, "", cancellationToken: ct);
                            if (_bound.Add(exchange))
                            {
                                Log.BrokerEventExchangeBound(_logger, exchange, Exchange);
                            }
                        }
                        else
                        {
                            await channel.QueueUnbindAsync(Exchange, exchange, "", cancellationToken: ct);
                            _bound.Remove(exchange);
                            Log.BrokerEventExchangeUnbound(_logger, exchange, Exchange);
                        }
                    }
                    catch (RabbitMQ.Client.Exceptions.OperationInterruptedException ex)
                    {
                        // the broker closed the channel over this exchange (wrong kind, no permission): the next one gets a new channel
                        Log.BrokerEventBindFailed(_logger, exchange, ex.Message);
                        await channel.DisposeAsync();
                        channel = null;
                    }
                }
            }
            finally
            {
                if (channel is not null)
                {
                    await channel.DisposeAsync();
                }
            }
        }
        finally
        {
            Volatile.Write(ref _boundCount, _bound.Count);
            done.TrySetResult();
        }
    }

    private async Task HandleAsync(IChannel consume, IChannel publish, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var body = delivery.Body.ToArray();
        try
        {
            var reason = await ActAsync(delivery, body);
            if (reason is not null)
            {
                await DeadLetterAsync(publish, delivery, body, reason.Value.Reason, reason.Value.Triggers, stoppingToken);
            }
            await consume.BasicAckAsync(delivery.DeliveryTag, multiple: false, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // not acknowledged: the broker gives it to another engine, or to this one when it is back
        }
        catch (Exception ex)
        {
            // PostgreSQL or the dead-letter queue could not be reached: the event comes again (its claims keep it from acting twice)
            Log.BrokerEventRequeued(_logger, delivery.Exchange, delivery.BasicProperties.MessageId, ex.GetType().Name, ex.Message);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                await consume.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, stoppingToken);
            }
            catch (Exception)
            {
                // the channel is gone or the engine stops: unacknowledged, the event comes again anyway
            }
        }
    }

    /// <summary>Acts on the event for every trigger it matches; the reason to dead-letter it (and the triggers concerned), or null when all acted.</summary>
    /// <exception cref="NpgsqlException">PostgreSQL failed in a way that may pass (requeue the event).</exception>
    private async Task<(string Reason, string Triggers)?> ActAsync(BasicDeliverEventArgs delivery, byte[] body)
    {
        var fromEventsExchange = delivery.Exchange == Exchange;
        if (BrokerEvents.Read(fromEventsExchange, delivery.Exchange, delivery.BasicProperties, body, out var error) is not { } read)
        {
            Log.BrokerEventUnreadable(_logger, delivery.Exchange, error!);
            return (error!, "");
        }
        var e = read.Event;
        var matched = await _triggers.MatchAsync(read.Kind, e, read.Types, CancellationToken.None);
        if (matched.Count == 0)
        {
            var what = read.Kind == ValidTrigger.Kinds.MassTransit ? $"message type {string.Join(", ", read.Types)}" : $"type '{e.Type}' and source '{e.Source}'";
            return ($"No trigger matches this event ({what}).", "");
        }
        var failed = new List<EventDelivery>();
        foreach (var (trigger, typed) in matched)
        {
            try
            {
                if (await _triggers.DeliverAsync(trigger, typed) is { Outcome: TriggerService.DeadLettered } d)
                {
                    failed.Add(d);
                }
            }
            catch (Exception ex) when (ex is not (NpgsqlException { IsTransient: true } or TimeoutException))
            {
                // not a passing failure: another try fails the same way, so it is dead-lettered with the reason
                failed.Add(await _triggers.DeadLetterAsync(trigger, typed, $"the engine could not act on it: {ex.Message}"));
            }
        }
        return failed.Count == 0 ? null
            : (string.Join(" ", failed.Select(f => $"Trigger '{f.TriggerId}': {f.Reason}")), string.Join(",", failed.Select(f => f.TriggerId)));
    }

    /// <summary>Publishes the message as it came, with the reason, to the dead-letter queue, and waits for the broker's confirm.</summary>
    private async Task DeadLetterAsync(IChannel publish, BasicDeliverEventArgs delivery, byte[] body, string reason, string triggers, CancellationToken ct)
    {
        var original = delivery.BasicProperties;
        var headers = original.Headers is { } h ? new Dictionary<string, object?>(h) : [];
        headers[ReasonHeader] = Encoding.UTF8.GetBytes(reason);
        headers["x-orchestrator-exchange"] = Encoding.UTF8.GetBytes(delivery.Exchange);
        headers["x-orchestrator-routing-key"] = Encoding.UTF8.GetBytes(delivery.RoutingKey);
        if (triggers.Length > 0)
        {
            headers[TriggersHeader] = Encoding.UTF8.GetBytes(triggers);
        }
        var properties = new BasicProperties
        {
            ContentType = original.ContentType,
            ContentEncoding = original.ContentEncoding,
            MessageId = original.MessageId,
            CorrelationId = original.CorrelationId,
            Type = original.Type,
            Timestamp = original.Timestamp,
            DeliveryMode = DeliveryModes.Persistent,
            Headers = headers,
        };
        await _publishing.WaitAsync(ct);
        try
        {
            // mandatory: a dead-letter queue that is gone makes the publish fail, and the event stays in the events queue
            await publish.BasicPublishAsync(DeadLetter, "", mandatory: true, properties, body, ct);
        }
        finally
        {
            _publishing.Release();
        }
        Log.BrokerEventDeadLettered(_logger, delivery.Exchange, original.MessageId, reason);
    }
}
