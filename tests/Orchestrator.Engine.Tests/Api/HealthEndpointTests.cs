using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orchestrator.Engine.Tests.Dispatch;

namespace Orchestrator.Engine.Tests.Api;

/// <summary><c>/health/live</c> beside <c>/health/ready</c>: liveness checks nothing, readiness checks the dependencies.</summary>
public sealed class HealthEndpointTests
{
    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Live_Is200_WhileADependencyIsDown_AndReadySays503()
    {
        await using var engine = await InProcessEngine.StartAsync(engineQueuePrefix: "orchestrator-engine-inproc-", configure: b =>
            b.Services.AddHealthChecks().AddCheck("down", () => HealthCheckResult.Unhealthy("a dependency is down"), tags: ["ready"]));

        using var live = await engine.Http.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var ready = await engine.Http.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task LiveAndReady_AreBoth200_OnAHealthyEngine()
    {
        await using var engine = await InProcessEngine.StartAsync(engineQueuePrefix: "orchestrator-engine-inproc-");

        using var live = await engine.Http.GetAsync(new Uri("/health/live", UriKind.Relative));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var ready = await engine.Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        while (ready.StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline) // the bus's endpoint may still be starting
        {
            ready.Dispose();
            await Task.Delay(100);
            ready = await engine.Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        }

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var report = await engine.Get<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"));
        Assert.True(ready.StatusCode == HttpStatusCode.OK,
            $"/health/ready: {(int)ready.StatusCode}: " + string.Join("; ", report.Entries.Select(e => $"{e.Key} {e.Value.Status} {e.Value.Description}")));
        ready.Dispose();
    }
}
