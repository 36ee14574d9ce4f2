using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Sdk;
using Orchestrator.Testing;

namespace Company.Worker.Tests;

public sealed class GreetingWorkflowTests
{
    /// <summary>
    /// Runs the workflow in memory, in milliseconds: the engine's own decisions, this worker's code, no servers. Timers and
    /// retry back-offs pass on a virtual clock; give activities as objects (your fakes inside) or as lambdas, e.g.
    /// <c>.AddActivity("ComposeGreeting", (string name) =&gt; attempt++ == 0 ? throw new TimeoutException() : $"Hi, {name}")</c>.
    /// </summary>
    [Fact(Timeout = 30_000)]
    public async Task GreetingWorkflow_ComposesTheGreeting_InMemory()
    {
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w
            .AddWorkflow<GreetingWorkflow>()
            .AddActivities(new GreetingActivities(NullLogger<GreetingActivities>.Instance)));

        var handle = await env.Client.StartWorkflowAsync("GreetingWorkflow", new GreetingInput("Ana"), new StartWorkflowOptions { WorkflowId = "greeting-1" });

        Assert.Equal("Hello, Ana!", await handle.GetResultAsync<string>());
        await env.AssertHistoryAsync("greeting-1", h => h.Completed().ActivityCompleted("ComposeGreeting", times: 1));
    }

    /// <summary>
    /// Replays a recorded history against today's code: a change that running workflows could not replay (another
    /// activity, another order, a timer where there was an activity) fails here with a NonDeterminismException naming the
    /// event, instead of in production. Add the histories of real runs to Histories/ as your workflows grow:
    /// <c>curl http://127.0.0.1:5080/api/v1/workflows/ID/history &gt; Histories/ID.json</c>
    /// (or <c>orchestrator workflow history ID --output json &gt; Histories/ID.json</c>).
    /// </summary>
    [Fact(Timeout = 30_000)]
    public async Task GreetingWorkflow_ReplaysItsRecordedHistory()
    {
        var json = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Histories", "greeting.json"));

        await WorkflowReplayer.ReplayAsync<GreetingWorkflow>(json);
    }

    [Fact(Timeout = 30_000)]
    public async Task ComposeGreeting_NamesThePerson()
    {
        var activities = new GreetingActivities(NullLogger<GreetingActivities>.Instance);

        Assert.Equal("Hello, Ana!", await activities.ComposeGreetingAsync("Ana"));
    }
}
