using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary>Signals, cancellation, continue-as-new, child workflows and sagas, driven through the engine simulator.</summary>
public sealed class FeatureTests
{
    private static string ResultOf(EngineSimulator sim) => Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetString()!;

    [Fact(Timeout = Limit)]
    public Task Signals_AreBufferedPerNameInOrder_AndTakenOnce() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(SignalWorkflow));
        sim.Signal("other", "ignored");
        sim.Signal("add", "a");
        sim.Signal("add", "b");
        var first = sim.RunTask(); // a and b are taken from the buffer; the third wait starts its timeout timer
        Assert.Equal(1, Assert.IsType<StartTimerCommand>(Assert.Single(first)).Seq); // signal waits take no seq; only the timeout timer
        sim.Signal("add", "c");
        var second = sim.RunTask();
        Assert.IsType<CancelTimerCommand>(second[0]); // the signal won: its timer is cancelled
        Assert.Equal("a+b+c", ResultOf(sim));
    });

    [Fact(Timeout = Limit)]
    public Task SignalWait_TimerWins_ThrowsTimeoutException() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(SignalWorkflow));
        Assert.Empty(sim.RunTask());
        sim.Signal("add", "a");
        sim.Signal("add", "b");
        var timer = Assert.IsType<StartTimerCommand>(Assert.Single(sim.RunTask()));
        sim.FireTimer(timer.Seq);
        sim.Signal("add", "late"); // arrives after the timer fired, in the same batch: buffered, not taken
        sim.RunTask();
        Assert.Equal("a+b+timeout", ResultOf(sim));
    });

    [Fact(Timeout = Limit)]
    public Task Cancellation_FailsWaitsInFlight_CompensationRuns_RunClosesCanceled() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(CancellableOrderWorkflow), "o-1") { Activities = FakeActivities.Default };
        sim.RunTask();
        sim.CompleteActivity(1); // charge
        sim.RunTask();
        sim.CompleteActivity(2); // reserve
        var timer = Assert.IsType<StartTimerCommand>(Assert.Single(sim.RunTask()));
        sim.RequestCancel();
        var afterCancel = sim.RunTask();
        // the timer in flight is cancelled; compensation starts with the last step (release), in reverse order
        Assert.Equal(timer.Seq, Assert.IsType<CancelTimerCommand>(afterCancel[0]).Seq);
        Assert.Equal("Release", Assert.IsType<ScheduleActivityCommand>(afterCancel[1]).ActivityName);
        sim.CompleteActivity(4);
        Assert.Equal("Refund", Assert.IsType<ScheduleActivityCommand>(Assert.Single(sim.RunTask())).ActivityName);
        sim.CompleteActivity(5);
        Assert.IsType<CancelWorkflowCommand>(Assert.Single(sim.RunTask()));
    });

    [Fact(Timeout = Limit)]
    public Task Cancellation_ResultOfAbandonedWait_IsIgnored() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(CancellableOrderWorkflow), "o-2") { Activities = FakeActivities.Default };
        sim.RunTask();
        sim.RequestCancel();      // while the charge activity is in flight
        sim.CompleteActivity(1);  // its result arrives later in the same batch: ignored
        var commands = sim.RunTask();
        Assert.IsType<CancelWorkflowCommand>(Assert.Single(commands)); // nothing to compensate yet
    });

    [Fact(Timeout = Limit)]
    public Task ContinueAsNew_EndsTheRun_WithTheNextInput() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(LoopWorkflow), 1) { Activities = FakeActivities.Default };
        sim.RunToEnd();
        var next = Assert.IsType<ContinueAsNewCommand>(sim.Closing);
        Assert.Equal(2, next.Input!.Value.GetInt32());

        var last = new EngineSimulator(typeof(LoopWorkflow), 3) { Activities = FakeActivities.Default };
        last.RunToEnd();
        Assert.Equal(3, Assert.IsType<CompleteWorkflowCommand>(last.Closing).Result!.Value.GetInt32());
    });

    [Fact(Timeout = Limit)]
    public Task ChildWorkflows_StartWithDeterministicIds_ResultsAndFailuresReachTheParent() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(ParentWorkflow));
        var start = Assert.IsType<StartChildWorkflowCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal(new StartChildWorkflowCommand(1, "ChildWorkflow", "wf-1-child-1", null, start.Input, "Abandon"), start);
        Assert.Equal("\"x\"", start.Input!.Value.GetRawText());
        sim.CompleteChild(1, "child-result");
        var second = Assert.IsType<StartChildWorkflowCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal(("explicit-child", "children", "Terminate"), (second.WorkflowId, second.TaskQueue, second.ParentClosePolicy));
        sim.FailChild(2, new FailureInfo("InvalidOperationException", "boom"));
        sim.RunTask();
        Assert.Equal("child-result explicit-child InvalidOperationException", ResultOf(sim));
    });

    [Theory(Timeout = Limit)]
    [InlineData(false, false, "CardDeclinedException; compensated", new[] { "Note", "Release", "Refund" })]
    [InlineData(false, true, "CardDeclinedException; compensation failures: release failed", new[] { "Note", "Release" })]
    [InlineData(true, true, "CardDeclinedException; compensation failures: release failed|refund failed", new[] { "Note", "Release", "Refund" })]
    public async Task Saga_CompensatesInReverseOrder_ContinueOnCompensationError_ReportsEveryFailure(bool continueOnError, bool failing, string expected, string[] order)
    {
        await Bounded(() =>
        {
            var input = failing ? new SagaInput("rcpt-bad", "res-bad", continueOnError) : new SagaInput("rcpt-1", "res-1", continueOnError);
            var sim = new EngineSimulator(typeof(SagaWorkflow), input) { Activities = FakeActivities.Default };
            sim.RunToEnd();
            Assert.Equal(expected, ResultOf(sim));
            var compensations = sim.CommandsPerTask.Skip(1).SelectMany(c => c).OfType<ScheduleActivityCommand>().Select(c => c.ActivityName);
            Assert.Equal(order, compensations);
        });
    }

    [Fact(Timeout = Limit)]
    public Task Saga_Parallel_StartsEveryCompensationAtOnce() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(SagaWorkflow), new SagaInput("rcpt-bad", "res-1", ContinueOnError: false, Parallel: true)) { Activities = FakeActivities.Default };
        sim.RunTask();
        sim.CompleteActivity(1);
        var compensations = sim.RunTask();
        Assert.Equal(["Note", "Release", "Refund"], compensations.Cast<ScheduleActivityCommand>().Select(c => c.ActivityName));
        sim.RunToEnd();
        Assert.Equal("CardDeclinedException; compensation failures: refund failed", ResultOf(sim));
    });
}
