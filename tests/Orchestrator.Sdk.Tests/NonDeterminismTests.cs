using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

public sealed class NonDeterminismTests
{
    // OrderV1's history: 1 WorkflowStarted, 2-4 task, 5 ActivityScheduled(1,echo), 6 ActivityScheduled(2,Add), 7-10 results,
    // 11-13 task, 14 TimerStarted(3), 15 TimerFired, 16-18 task, 19 WorkflowCompleted.
    private static string RecordOrderV1()
    {
        var sim = new EngineSimulator(typeof(OrderV1)) { Activities = FakeActivities.Default };
        sim.RunToEnd();
        return sim.ToHistoryJson();
    }

    [Fact(Timeout = Limit)]
    public Task SameCode_Replays() => Bounded(() => WorkflowReplayer.ReplayAsync<OrderV1>(RecordOrderV1()).GetAwaiter().GetResult());

    [Theory(Timeout = Limit)]
    [InlineData(typeof(OrderDifferentActivity), 6, "history holds ActivityScheduled (seq 2, activity 'Add') but the workflow code produced ScheduleActivity (seq 2, activity 'Note')")]
    [InlineData(typeof(OrderDifferentOrder), 5, "history holds ActivityScheduled (seq 1, activity 'echo') but the workflow code produced ScheduleActivity (seq 1, activity 'Add')")]
    [InlineData(typeof(OrderMissingCommand), 6, "history holds ActivityScheduled (seq 2, activity 'Add') but the workflow code produced no command for it (a command is missing)")]
    [InlineData(typeof(OrderExtraCommand), 7, "the workflow code produced ScheduleActivity (seq 3, activity 'Note') but history has no event for it (event 7 holds ActivityStarted; an extra command)")]
    [InlineData(typeof(OrderTimerInsteadOfActivity), 6, "history holds ActivityScheduled (seq 2, activity 'Add') but the workflow code produced StartTimer (seq 2, 00:00:05)")]
    public async Task ChangedCode_ThrowsNonDeterminism_NamingTheEvent(Type changed, long eventId, string expected)
    {
        var history = RecordOrderV1();
        var replay = typeof(WorkflowReplayer).GetMethod(nameof(WorkflowReplayer.ReplayAsync), [typeof(string), typeof(WorkflowRuntimeOptions)])!.MakeGenericMethod(changed);
        var ex = await Assert.ThrowsAsync<NonDeterminismException>(() => (Task)replay.Invoke(null, [history, null])!);
        Assert.Equal(eventId, ex.EventId);
        Assert.Contains($"Non-determinism at event {eventId}: {expected}", ex.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = Limit)]
    public Task ChangedCode_InWorker_FailsTheTask_NotTheWorkflow() => Bounded(() =>
    {
        var history = Orchestrator.Contracts.History.HistoryJson.ParseHistoryPage(RecordOrderV1()).Events.ToList();
        var upToSecondTask = history.Take(11).ToList(); // ends with WorkflowTaskScheduled 11
        var instance = new Runtime.WorkflowInstance(Runtime.WorkflowDefinition.Create(typeof(OrderDifferentOrder)), new WorkflowRuntimeOptions(), null);
        var activation = instance.Activate(upToSecondTask);
        Assert.True(activation.IsTaskFailure);
        Assert.Equal("NonDeterminismException", activation.Failure!.Type);
        Assert.Contains("event 5", activation.Failure.Message, StringComparison.Ordinal);
        Assert.Empty(activation.Commands);
        Assert.True(instance.IsFaulted);
    });
}
