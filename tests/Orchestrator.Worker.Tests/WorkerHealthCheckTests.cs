using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Orchestrator.Sdk;
using Orchestrator.TestSupport;
using OrderSample;

namespace Orchestrator.Worker.Tests;

/// <summary>The health check <c>AddOrchestratorWorker</c> registers: healthy only while the worker's bus runs on the real broker.</summary>
public sealed class WorkerHealthCheckTests
{
    private static async Task<HealthReportEntry> CheckAsync(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"));
        return report.Entries["orchestrator-worker"];
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task StartedWorker_IsHealthy_AndUnhealthyOnceStopped()
    {
        var worker = await WorkerFixture.StartAsync(listen: false);
        try
        {
            var deadline = DateTime.UtcNow + WorkerFixture.Timeout;
            var entry = await CheckAsync(worker.Host);
            while (entry.Status != HealthStatus.Healthy && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
                entry = await CheckAsync(worker.Host);
            }

            Assert.True(entry.Status == HealthStatus.Healthy, $"{entry.Status}: {entry.Description}");
            Assert.Equal(worker.TaskQueue, entry.Data["taskQueue"]);
            Assert.Equal(1, entry.Data["workflows"]);

            using var cts = new CancellationTokenSource(WorkerFixture.Timeout);
            await worker.Host.StopAsync(cts.Token);
            var stopped = await CheckAsync(worker.Host);
            Assert.Equal(HealthStatus.Unhealthy, stopped.Status);
            Assert.Contains("is not running", stopped.Description, StringComparison.Ordinal);
        }
        finally
        {
            await worker.DisposeAsync();
        }
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task WorkerNotStarted_IsUnhealthy()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Orchestrator:RabbitMq"] = await TestServers.RabbitMqWorkerAsync() });
        builder.Services.AddOrchestratorWorker(builder.Configuration, w => w.AddWorkflow<OrderWorkflow>());
        using var host = builder.Build();

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("task queue 'default' is not running", entry.Description, StringComparison.Ordinal);
    }
}
