using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Orchestrator.Sdk.Hosting;

/// <summary>
/// The worker's readiness: healthy while its bus is started and the receive endpoints of its task queue are ready
/// (MassTransit's own view of the broker connection); unhealthy before the start, after the stop, and while the
/// connection is down or an endpoint faulted. Registered by <c>AddOrchestratorWorker</c> as <see cref="Name"/>.
/// </summary>
internal sealed class WorkerHealthCheck(WorkerHost host, WorkerRegistrations registrations, IOptions<OrchestratorWorkerOptions> options) : IHealthCheck
{
    public const string Name = "orchestrator-worker";

    public const string ReadyTag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var data = new Dictionary<string, object>
        {
            ["taskQueue"] = o.TaskQueue,
            ["workflows"] = registrations.Workflows.Definitions.Count,
            ["activities"] = registrations.Activities.Activities.Count,
        };
        if (host.Bus is not IBusControl bus)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"The worker of task queue '{o.TaskQueue}' is not running.", data: data));
        }
        var health = bus.CheckHealth();
        var status = health.Status switch
        {
            BusHealthStatus.Healthy => HealthStatus.Healthy,
            BusHealthStatus.Degraded => HealthStatus.Degraded,
            _ => context.Registration.FailureStatus,
        };
        return Task.FromResult(new HealthCheckResult(status, $"Task queue '{o.TaskQueue}': {health.Description}", health.Exception, data));
    }
}
