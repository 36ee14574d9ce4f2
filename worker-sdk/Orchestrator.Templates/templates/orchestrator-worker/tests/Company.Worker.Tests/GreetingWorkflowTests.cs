using Orchestrator.Sdk;

namespace Company.Worker.Tests;

public sealed class GreetingWorkflowTests
{
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
        var activities = new GreetingActivities(Microsoft.Extensions.Logging.Abstractions.NullLogger<GreetingActivities>.Instance);

        Assert.Equal("Hello, Ana!", await activities.ComposeGreetingAsync("Ana"));
    }
}
