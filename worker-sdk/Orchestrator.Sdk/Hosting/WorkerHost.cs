using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Messages;

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
    EngineSender sender,
    WorkerLifetime lifetime,
    ILogger<WorkerHost> logger) : IHostedService
{
    private IBusControl? _bus;

    /// <summary>The running bus (for tests).</summary>
    internal IBus? Bus => _bus;

    public async Task StartAsync(CancellationToken cancellationToken)
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
        });
        await bus.StartAsync(cancellationToken).ConfigureAwait(false);
        _bus = bus;
        await sender.AttachAsync(bus, cancellationToken).ConfigureAwait(false);
        logger.WorkerStarted(o.Identity, o.TaskQueue, registrations.Workflows.Definitions.Count, registrations.Activities.Activities.Count, o.EngineQueue);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_bus is not { } bus)
        {
            return;
        }
        _bus = null;
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
        logger.WorkerStopped();
    }
}
