using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk;
using Orchestrator.Testing.Tests.Workflows;
using Orchestrator.TestWorker;
using Xunit.Abstractions;

namespace Orchestrator.Testing.Tests;

/// <summary>The issue's Done-when scenario, end to end in memory: 30 days, an approval with a 7-day window, a failing saga.</summary>
public sealed class RenewalScenarioTests(ITestOutputHelper output)
{
    private static readonly RenewalInput Input = new("c-1", TimeSpan.FromDays(30), TimeSpan.FromDays(7));

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task ThirtyDayTimer_Signal_SagaThirdStepFails_CompensatesInReverse_InUnderASecond_AndReplays()
    {
        var activities = new RenewalActivities { OutOfStockAt = "Ship" };
        var watch = Stopwatch.StartNew();
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<RenewalWorkflow>().AddActivities(activities));
        var started = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("RenewalWorkflow", Input, new StartWorkflowOptions { WorkflowId = "renewal-1" });

        await env.SkipTimeAsync(TimeSpan.FromDays(30));
        await env.Client.SignalWorkflowAsync("renewal-1", "approve", new Approval("ana"));
        var failed = await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync<string>());
        watch.Stop();
        output.WriteLine($"wall time {watch.Elapsed.TotalMilliseconds:F0} ms; virtual time {env.UtcNow - started}");

        Assert.Equal("ActivityFailedException", failed.Failure.Type);
        Assert.Equal(["Reserve#1", "Charge#1", "Charge#2", "Ship#1", "Refund#1", "Release#1"], activities.Calls);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed} of wall time");
        Assert.True(env.UtcNow - started >= TimeSpan.FromDays(30), "the 30-day timer fired on the virtual clock");

        var json = await env.GetHistoryJsonAsync("renewal-1");
        await WorkflowReplayer.ReplayAsync<RenewalWorkflow>(json);
        var events = HistoryJson.ParseHistoryPage(json).Events;
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.EventId));
        Assert.Equal(
            ["WorkflowStarted", "TimerStarted", "TimerFired", "TimerStarted", "SignalReceived", "TimerCanceled", "ActivityScheduled:Reserve", "ActivityScheduled:Charge",
             "ActivityAttemptFailed", "ActivityScheduled:Ship", "ActivityFailed", "ActivityScheduled:Refund", "ActivityScheduled:Release", "WorkflowFailed"],
            Milestones(events));
        var fired = events.Single(e => e.EventType == EventTypes.TimerFired).Timestamp;
        Assert.Equal(TimeSpan.FromDays(30), fired - events[0].Timestamp);
        var retried = events.Where(e => e.EventType == EventTypes.ActivityStarted).ToList();
        Assert.Equal(TimeSpan.FromSeconds(1), retried[1].Timestamp - events.Single(e => e.EventType == EventTypes.ActivityAttemptFailed).Timestamp);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task NoSignal_ApprovalWindowPasses_WhileAwaitingResult_AndTheSagaCompletes()
    {
        var activities = new RenewalActivities();
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<RenewalWorkflow>().AddActivities(activities));
        var started = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("RenewalWorkflow", Input, new StartWorkflowOptions { WorkflowId = "renewal-2" });

        Assert.Equal("auto:ship-res-c-1", await handle.GetResultAsync<string>());
        Assert.Equal(TimeSpan.FromDays(37) + TimeSpan.FromSeconds(1), env.UtcNow - started); // both timers, then the charge's 1 s back-off
        Assert.Equal(["Reserve#1", "Charge#1", "Charge#2", "Ship#1"], activities.Calls);
        await WorkflowReplayer.ReplayAsync<RenewalWorkflow>(await env.GetHistoryJsonAsync("renewal-2"));
    }

    /// <summary>The event types, with the activity's name for <c>ActivityScheduled</c>, leaving out the workflow task and ActivityStarted/Completed bookkeeping.</summary>
    private static List<string> Milestones(IReadOnlyList<HistoryEvent> events) => events
        .Where(e => !e.EventType.StartsWith("WorkflowTask", StringComparison.Ordinal) && e.EventType is not (EventTypes.ActivityStarted or EventTypes.ActivityCompleted))
        .Select(e => e.EventType == EventTypes.ActivityScheduled ? $"{e.EventType}:{e.Attributes.GetProperty("activityName").GetString()}" : e.EventType)
        .ToList();
}
