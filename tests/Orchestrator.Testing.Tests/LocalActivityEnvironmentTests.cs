using Orchestrator.Contracts.History;
using Orchestrator.Sdk;

namespace Orchestrator.Testing.Tests;

/// <summary>Local activities and side effects in the test environment: run as a worker runs them, on its virtual clock.</summary>
public sealed class LocalActivityEnvironmentTests
{
    [Workflow]
    public sealed class QuoteWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context, string sku)
        {
            var options = new LocalActivityOptions { RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromMinutes(5) } };
            var price = await context.ExecuteLocalActivityAsync<decimal>("Price", sku, options);   // fails once: a 5-minute durable back-off
            var tag = context.SideEffect(() => "tag-1");
            return $"{sku} {price} {tag}";
        }
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task ALocalActivity_RunsInTheTask_ItsLongBackOffIsADurableTimer_OnTheVirtualClock()
    {
        var attempts = 0;
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w
            .AddWorkflow<QuoteWorkflow>()
            .AddActivity("Price", (string sku) => ++attempts == 1 ? throw new TimeoutException("cold cache") : 9.5m));
        var start = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("QuoteWorkflow", "sku-1");

        Assert.Equal("sku-1 9.5 tag-1", await handle.GetResultAsync<string>());

        Assert.Equal(2, attempts);
        Assert.True(env.UtcNow - start >= TimeSpan.FromMinutes(5), $"{env.UtcNow - start}");
        var events = (await env.Client.GetHistoryAsync(handle.WorkflowId)).Events;
        var markers = events.Where(e => e.EventType == EventTypes.MarkerRecorded).Select(e => e.GetAttributes<MarkerRecordedAttributes>().MarkerName).ToList();
        Assert.Equal([LocalActivityMarkerDetails.MarkerName, LocalActivityMarkerDetails.MarkerName, SideEffectMarkerDetails.MarkerName], markers);
        Assert.Single(events, e => e.EventType == EventTypes.TimerFired);
        Assert.DoesNotContain(events, e => e.EventType == EventTypes.ActivityScheduled);
    }
}
