using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Messages;
using Orchestrator.Messaging;

namespace Orchestrator.Sdk.Hosting;

/// <summary>
/// The worker's hosted service: owns a standalone MassTransit bus (not the application's) with one receive endpoint for
/// the workflow tasks and one for the activity tasks of the task queue. Stopping the host stops the bus: in-flight
/// tasks get <see cref="OrchestratorWorkerOptions.ShutdownTimeout"/> to finish, then their tokens fire and unfinished
/// messages go back to the broker unacknowledged.
/// </summary>
internal sealed class WorkerHost(
    IOptions<OrchestratorWorkerOptions> options,
    WorkerRegistrations registrations,
    WorkflowTaskHandler workflowTasks,
    ActivityTaskHandler activityTasks,
    ActivityCancellations cancellations,
    EngineSender sender,
    WorkerLifetime lifetime,
    ILoggerFactory loggerFactory,
    ILogger<WorkerHost> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private IBusControl? _bus;
    private EndpointHealthLog? _health;
    private Task _watch = Task.CompletedTask;
    private readonly List<Task> _retired = [];

    /// <summary>The running bus (for tests).</summary>
    internal IBus? Bus => _bus;

    /// <summary>The broker check of the task queues' consumers (exposed for tests).</summary>
    internal ConsumerWatchdog? Watchdog { get; private set; }

    /// <summary>How many times the bus was replaced because a queue lost its consumer (for tests).</summary>
    internal int BusReplacements { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        // the standalone bus logs through the host's logging (else its connection faults and recoveries are silent)
        LogContext.ConfigureCurrentLogContext(loggerFactory);
        (_bus, _health) = await StartBusAsync(cancellationToken).ConfigureAwait(false);
        await sender.AttachAsync(_bus, cancellationToken).ConfigureAwait(false);
        logger.WorkerStarted(o.Identity, o.TaskQueue, registrations.Workflows.Definitions.Count, registrations.Activities.Activities.Count, o.EngineQueue);
        if (o.ConsumerCheckInterval > TimeSpan.Zero)
        {
            Watchdog = new ConsumerWatchdog(new Uri(o.RabbitMq!), WorkerBroker.Nodes(o.RabbitMqNodes), $"orchestrator-worker-watchdog {o.Identity}", logger);
            _watch = Task.Run(() => WatchAsync(Watchdog, o.ConsumerCheckInterval, _stopping.Token), CancellationToken.None);
        }
    }

    private async Task<(IBusControl Bus, EndpointHealthLog Health)> StartBusAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            WorkerBroker.Configure(cfg, o);
            cfg.ReceiveEndpoint(QueueNames.WorkflowTasks(o.TaskQueue), e =>
            {
                e.ConfigureConsumeTopology = false;
                e.Durable = true;
                e.AutoDelete = false;
                WorkerBroker.ApplyQueueType(e, o.QueueType);
                e.PrefetchCount = o.MaxConcurrentWorkflowTasks;
                e.ConcurrentMessageLimit = o.MaxConcurrentWorkflowTasks;
                e.Handler<WorkflowTaskMessage>(workflowTasks.HandleAsync);
                e.Handler<WorkflowQueryMessage>(workflowTasks.HandleQueryAsync);
            });
            cfg.ReceiveEndpoint(QueueNames.ActivityTasks(o.TaskQueue), e =>
            {
                e.ConfigureConsumeTopology = false;
                e.Durable = true;
                e.AutoDelete = false;
                WorkerBroker.ApplyQueueType(e, o.QueueType);
                e.PrefetchCount = o.MaxConcurrentActivities;
                e.ConcurrentMessageLimit = o.MaxConcurrentActivities;
                e.Handler<ActivityTaskMessage>(activityTasks.HandleAsync);
            });
            // the engine's answers to heartbeats of attempts the workflow asked to cancel: a queue of this process's own
            // (classic, auto-deleted with it), whose exchange of the same name the engine sends into
            cfg.ReceiveEndpoint(cancellations.NewQueue(), e =>
            {
                e.ConfigureConsumeTopology = false;
                e.Durable = false;
                e.AutoDelete = true;
                e.Handler<ActivityCancelMessage>(c =>
                {
                    if (cancellations.Cancel(c.Message))
                    {
                        logger.ActivityCancelRequested(c.Message.RunId, c.Message.ScheduledEventId, c.Message.Attempt);
                    }
                    return Task.CompletedTask;
                });
            });
        });
        var health = new EndpointHealthLog(logger);
        bus.ConnectReceiveEndpointObserver(health);
        await bus.StartAsync(cancellationToken).ConfigureAwait(false);
        return (bus, health);
    }

    private async Task WatchAsync(ConsumerWatchdog watchdog, TimeSpan interval, CancellationToken stopping)
    {
        var o = options.Value;
        string[] queues = [QueueNames.WorkflowTasks(o.TaskQueue), QueueNames.ActivityTasks(o.TaskQueue)];
        try
        {
            while (true)
            {
                await Task.Delay(interval, stopping).ConfigureAwait(false);
                if (_health is not { } health)
                {
                    continue;
                }
                if (await watchdog.CheckAsync(queues, health.IsConsuming, stopping).ConfigureAwait(false) is { } lost)
                {
                    await ReplaceBusAsync(lost, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.ConsumerWatchdogStopped(ex); // never expected; the worker runs on, unwatched
        }
    }

    /// <summary>
    /// A new bus first (its endpoints consume at once and answers go through it), then the old one is stopped in the
    /// background: its tasks in flight finish as in a shutdown, and messages it cannot acknowledge come again.
    /// </summary>
    private async Task ReplaceBusAsync(string lostQueue, CancellationToken stopping)
    {
        logger.BusReplacing(lostQueue, ConsumerWatchdog.Strikes);
        (IBusControl Bus, EndpointHealthLog Health) next;
        try
        {
            next = await StartBusAsync(stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            logger.BusReplacementFailed(ex, lostQueue); // the next checks try again
            return;
        }
        var old = _bus;
        (_bus, _health) = next;
        BusReplacements++;
        await sender.AttachAsync(next.Bus, stopping).ConfigureAwait(false);
        if (old is not null)
        {
            _retired.Add(RetireAsync(old));
        }
    }

    private async Task RetireAsync(IBusControl old)
    {
        try
        {
            await old.StopAsync(CancellationToken.None).WaitAsync(options.Value.ShutdownTimeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.OldBusNotStopped(ex.GetType().Name, ex.Message); // left to the process's end
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _watch.ConfigureAwait(false);
        if (Watchdog is { } watchdog)
        {
            await watchdog.DisposeAsync().ConfigureAwait(false);
        }
        if (_bus is not { } bus)
        {
            return;
        }
        _bus = null;
        _health = null;
        logger.WorkerStopping(options.Value.ShutdownTimeout);
        var stopped = bus.StopAsync(cancellationToken);
        try
        {
            await stopped.WaitAsync(options.Value.ShutdownTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            lifetime.Stop(); // in-flight tasks must stop now; their messages go back to the broker
        }
        await stopped.ConfigureAwait(false);
        await Task.WhenAll(_retired).ConfigureAwait(false);
        logger.WorkerStopped();
    }
}

/// <summary>
/// Logs what happens to one bus's receive endpoints (a fault stops the tasks of its queue from arriving), and keeps which
/// of them consume: ready, and not stopped or faulted since (what the bus believes; <see cref="ConsumerWatchdog"/> asks the broker).
/// </summary>
internal sealed class EndpointHealthLog(ILogger logger) : IReceiveEndpointObserver
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _consuming = new(StringComparer.Ordinal);

    /// <summary>Whether the bus believes it consumes <paramref name="queue"/>.</summary>
    public bool IsConsuming(string queue) => _consuming.TryGetValue(queue, out var yes) && yes;

    private static string Queue(Uri inputAddress) => inputAddress.AbsolutePath.TrimEnd('/').Split('/')[^1];

    public Task Ready(ReceiveEndpointReady ready)
    {
        _consuming[Queue(ready.InputAddress)] = ready.IsStarted;
        logger.EndpointReady(ready.InputAddress);
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping)
    {
        _consuming[Queue(stopping.InputAddress)] = false;
        return Task.CompletedTask;
    }

    public Task Completed(ReceiveEndpointCompleted completed)
    {
        _consuming[Queue(completed.InputAddress)] = false;
        logger.EndpointCompleted(completed.InputAddress, completed.DeliveryCount);
        return Task.CompletedTask;
    }

    public Task Faulted(ReceiveEndpointFaulted faulted)
    {
        _consuming[Queue(faulted.InputAddress)] = false;
        logger.EndpointFaulted(faulted.Exception, faulted.InputAddress);
        return Task.CompletedTask;
    }
}
