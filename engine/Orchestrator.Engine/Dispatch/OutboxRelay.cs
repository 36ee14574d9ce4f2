using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using MassTransit;
using Npgsql;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Sends what committed changes produced to RabbitMQ (publisher confirms), many per batch. Activity tasks have an outbox
/// row, deleted once sent; a slower sweep takes rows older than a few seconds (left by a crash, a broker outage or another
/// engine) with <c>FOR UPDATE SKIP LOCKED</c>. Workflow tasks have no outbox row: their <c>workflow_tasks</c> row is the
/// durable record, and the sweeper sends a task again when no answer came within the workflow task timeout.
/// A message sent twice is harmless: every answer is checked against its task's token.
/// </summary>
internal sealed class OutboxRelay(NpgsqlDataSource dataSource, DispatchStore store, IServiceProvider services, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private const int BatchSize = 256;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);
    private readonly Channel<OutgoingMessage> _fresh = Channel.CreateUnbounded<OutgoingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, ISendEndpoint> _endpoints = new(StringComparer.Ordinal);

    public void Enqueue(IReadOnlyList<OutgoingMessage> rows)
    {
        foreach (var row in rows)
        {
            _fresh.Writer.TryWrite(row);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweep = SweepLoopAsync(stoppingToken);
        var batch = new List<OutgoingMessage>(BatchSize);
        try
        {
            while (await _fresh.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < BatchSize && _fresh.Reader.TryRead(out var row))
                {
                    batch.Add(row);
                }
                try
                {
                    await SendAsync(batch, stoppingToken);
                    var sent = batch.Where(m => m.OutboxId != 0).Select(m => m.OutboxId).ToArray();
                    if (sent.Length > 0)
                    {
                        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                        await store.DeleteOutboxAsync(connection, sent);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Log.RelayFailed(logger, batch.Count, e);   // rows stay in the table: the sweep sends them later
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await sweep;
    }

    private async Task SweepLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(SweepInterval, stoppingToken);
                int taken;
                do
                {
                    await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                    await using var tx = await connection.BeginTransactionAsync(stoppingToken);
                    var rows = await store.TakeOutboxBatchAsync(tx, BatchSize);
                    taken = rows.Count;
                    if (taken > 0)
                    {
                        await SendAsync(rows.Select(r => new OutgoingMessage(r.Destination, Deserialize(r), r.Id)).ToList(), stoppingToken);
                        await store.DeleteOutboxAsync(tx, rows.Select(r => r.Id).ToArray());
                    }
                    await tx.CommitAsync(stoppingToken);
                }
                while (taken == BatchSize && !stoppingToken.IsCancellationRequested);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.RelayFailed(logger, 0, e);
            }
        }
    }

    private static object Deserialize(OutboxRow row) => row.MessageType switch
    {
        OutboxMessageTypes.WorkflowTask => JsonSerializer.Deserialize<WorkflowTaskMessage>(row.Message, HistoryJson.Options)!,
        OutboxMessageTypes.ActivityTask => JsonSerializer.Deserialize<ActivityTaskMessage>(row.Message, HistoryJson.Options)!,
        _ => throw new InvalidOperationException($"Unknown outbox message type '{row.MessageType}'."),
    };

    /// <summary>
    /// Sends a batch, or gives up after <see cref="SendTimeout"/>: a send stuck on a connection the broker dropped must not
    /// hold every later message behind it. What was not sent is sent again: outbox rows by the sweep, workflow tasks by the
    /// task sweeper.
    /// </summary>
    private async Task SendAsync(IReadOnlyList<OutgoingMessage> rows, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(SendTimeout);
        try
        {
            await SendAllAsync(rows, timeout.Token).WaitAsync(SendTimeout, ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"Sending {rows.Count} message(s) took longer than {SendTimeout.TotalSeconds:0} s.");
        }
    }

    private async Task SendAllAsync(IReadOnlyList<OutgoingMessage> rows, CancellationToken ct)
    {
        var bus = services.GetRequiredService<IBus>();
        var sends = new List<Task>(rows.Count);
        foreach (var row in rows)
        {
            if (!_endpoints.TryGetValue(row.Destination, out var endpoint))
            {
                endpoint = await bus.GetSendEndpoint(Broker.DispatchTopology.SendAddress(row.Destination));
                _endpoints[row.Destination] = endpoint;
            }
            sends.Add(row.Message switch
            {
                WorkflowTaskMessage m => endpoint.Send(m, ct),
                ActivityTaskMessage m => endpoint.Send(m, ct),
                _ => throw new InvalidOperationException($"Unknown message {row.Message.GetType().Name}."),
            });
        }
        await Task.WhenAll(sends);
    }
}
