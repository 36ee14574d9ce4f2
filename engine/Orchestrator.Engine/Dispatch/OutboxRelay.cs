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

    /// <summary>Most fresh messages held in memory; past it they are left to the sweeps (their rows are their durable record).</summary>
    private const int FreshCapacity = 50_000;

    /// <summary>Batches in flight at once: a send stuck on a dead channel holds one of them, not every later message.</summary>
    private const int ConcurrentBatches = 4;

    private readonly Channel<OutgoingMessage> _fresh = Channel.CreateBounded<OutgoingMessage>(new BoundedChannelOptions(FreshCapacity)
    {
        SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly ConcurrentDictionary<string, ISendEndpoint> _endpoints = new(StringComparer.Ordinal);

    public void Enqueue(IReadOnlyList<OutgoingMessage> rows)
    {
        var dropped = 0;
        foreach (var row in rows)
        {
            if (!_fresh.Writer.TryWrite(row))
            {
                dropped++;
            }
        }
        if (dropped > 0)
        {
            Log.RelayQueueFull(logger, dropped);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweep = SweepLoopAsync(stoppingToken);
        using var slots = new SemaphoreSlim(ConcurrentBatches);
        var inFlight = new ConcurrentDictionary<Task, bool>();
        try
        {
            while (await _fresh.Reader.WaitToReadAsync(stoppingToken))
            {
                await slots.WaitAsync(stoppingToken);
                var batch = new List<OutgoingMessage>(BatchSize);
                while (batch.Count < BatchSize && _fresh.Reader.TryRead(out var row))
                {
                    batch.Add(row);
                }
                var send = SendFreshBatchAsync(batch, stoppingToken);
                inFlight[send] = true;
                _ = send.ContinueWith(t =>
                {
                    inFlight.TryRemove(t, out _);
                    slots.Release();
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        await Task.WhenAll(inFlight.Keys);
        await sweep;
    }

    /// <summary>
    /// Sends a batch of fresh messages; once the broker confirmed them, deletes their outbox rows and marks their workflow
    /// tasks sent (one round trip). On failure nothing is marked: the sweeps send them again.
    /// </summary>
    private async Task SendFreshBatchAsync(List<OutgoingMessage> batch, CancellationToken ct)
    {
        try
        {
            await SendAsync(batch, ct);
            await store.AfterBatchSentAsync(
                batch.Where(m => m.OutboxId != 0).Select(m => m.OutboxId).ToList(),
                batch.Select(m => m.Message).OfType<WorkflowTaskMessage>().Select(m => (m.RunId, m.ScheduledEventId, m.Attempt)).ToList(),
                ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.RelayFailed(logger, batch.Count, e);   // nothing marked: the sweeps send them later
        }
    }

    /// <summary>Swept rows that failed this often are logged as errors: they need an operator.</summary>
    private const int PoisonAttempts = 10;

    /// <summary>
    /// The outbox sweep, each row on its own: one that cannot be read or sent has its failure counted in the row
    /// (<c>attempts</c>, <c>last_error</c>) and waits a back-off (<c>next_attempt_at</c>) while the others are sent. A row
    /// is never deleted unsent: one that keeps failing stays in the table for an operator.
    /// </summary>
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
                        // each row on its own: one that cannot be read or sent is counted and backed off, the others go
                        var outcomes = await Task.WhenAll(rows.Select(r => SendSweptAsync(r, stoppingToken)));
                        var sent = rows.Where((_, i) => outcomes[i].Error is null).Select(r => r.Id).ToArray();
                        if (sent.Length > 0)
                        {
                            await store.DeleteOutboxAsync(tx, sent);
                        }
                        var failed = rows.Select((r, i) => (Row: r, outcomes[i].Error, outcomes[i].Unreadable)).Where(f => f.Error is not null).ToList();
                        if (sent.Length == 0 && failed.Any(f => !f.Unreadable))
                        {
                            // no send worked: the broker is away, not the rows' fault. Only unreadable rows are counted; the
                            // rest is tried again by the next sweep, with no back-off that would delay it once the broker is back
                            Log.RelayFailed(logger, failed.Count(f => !f.Unreadable), failed.First(f => !f.Unreadable).Error!);
                            failed = failed.Where(f => f.Unreadable).ToList();
                            taken = 0;
                        }
                        if (failed.Count > 0)
                        {
                            await store.RecordOutboxFailuresAsync(tx, failed.Select(f => f.Row.Id).ToArray(),
                                failed.Select(f => $"{f.Error!.GetType().Name}: {f.Error.Message}").ToArray());
                        }
                        await tx.CommitAsync(stoppingToken);
                        foreach (var (row, error, _) in failed)
                        {
                            LogSweptRowFailed(row, error!);
                        }
                    }
                    else
                    {
                        await tx.CommitAsync(stoppingToken);
                    }
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

    /// <summary>Sends one swept row; returns what went wrong (null: sent), and whether the row itself cannot be read.</summary>
    private async Task<(Exception? Error, bool Unreadable)> SendSweptAsync(OutboxRow row, CancellationToken ct)
    {
        object message;
        try
        {
            message = Deserialize(row);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException)
        {
            return (e, true);
        }
        try
        {
            await SendAsync([new OutgoingMessage(row.Destination, message, row.Id)], ct);
            return (null, false);
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            return (e, false);
        }
    }

    private void LogSweptRowFailed(OutboxRow row, Exception error)
    {
        var attempts = row.Attempts + 1;
        if (attempts >= PoisonAttempts)
        {
            Log.OutboxRowPoisoned(logger, row.Id, row.Destination, attempts, error);
        }
        else
        {
            Log.OutboxRowFailed(logger, row.Id, row.Destination, attempts, error);
        }
    }

    private static object Deserialize(OutboxRow row) => row.MessageType switch
    {
        OutboxMessageTypes.WorkflowTask => JsonSerializer.Deserialize<WorkflowTaskMessage>(row.Message, HistoryJson.Options)!,
        OutboxMessageTypes.ActivityTask => JsonSerializer.Deserialize<ActivityTaskMessage>(row.Message, HistoryJson.Options)!,
        _ => throw new InvalidOperationException($"Unknown outbox message type '{row.MessageType}'."),
    };

    /// <summary>
    /// Sends a batch, or gives up after <see cref="SendTimeout"/>: a send stuck on a connection the broker dropped (publisher
    /// confirms that never come after a broker restart are a known RabbitMQ.Client 7 failure) must not hold anything behind
    /// it. On a timeout the sends still running are cancelled and the batch's send endpoints dropped, so the next send asks
    /// the bus for them again. What was not confirmed is sent again: outbox rows by the sweep, workflow tasks by the sweeper.
    /// </summary>
    private async Task SendAsync(IReadOnlyList<OutgoingMessage> rows, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // started on the thread pool: a send that blocks before it returns its task must not escape the timeout either
        var sends = Task.Run(() => SendAllAsync(rows, timeout.Token), CancellationToken.None);
        if (await Task.WhenAny(sends, Task.Delay(SendTimeout, ct)) == sends)
        {
            try
            {
                await sends;
            }
            catch
            {
                // asked of the bus again next time: an endpoint of a bus that was restarted (EngineConsumerWatchdog) may be
                // bound to what the restart stopped
                foreach (var destination in rows.Select(r => r.Destination).Distinct(StringComparer.Ordinal))
                {
                    _endpoints.TryRemove(destination, out _);
                }
                throw;
            }
            return;
        }
        ct.ThrowIfCancellationRequested();
        await timeout.CancelAsync();   // before the token source is disposed: the sends still running must see it
        var destinations = rows.Select(r => r.Destination).Distinct(StringComparer.Ordinal).ToList();
        foreach (var destination in destinations)
        {
            _endpoints.TryRemove(destination, out _);
        }
        Log.RelaySendTimedOut(logger, rows.Count, string.Join(", ", destinations));
        _ = sends.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        throw new TimeoutException($"Sending {rows.Count} message(s) took longer than {SendTimeout.TotalSeconds:0} s.");
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
            var ttl = row.TimeToLive;
            sends.Add(row.Message switch
            {
                WorkflowTaskMessage m when ttl is { } t => endpoint.Send(m, c => c.TimeToLive = t, ct),
                WorkflowTaskMessage m => endpoint.Send(m, ct),
                ActivityTaskMessage m => endpoint.Send(m, ct),
                _ => throw new InvalidOperationException($"Unknown message {row.Message.GetType().Name}."),
            });
        }
        await Task.WhenAll(sends);
    }
}
