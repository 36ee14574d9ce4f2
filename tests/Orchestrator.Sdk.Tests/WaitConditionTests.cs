using Orchestrator.Contracts.Commands;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary>
/// <c>WaitConditionAsync</c>: true at once without a timer when the condition holds; else checked after the code drained;
/// its timeout is a durable timer (started, canceled when the condition holds first, false when it fires); canceled by a
/// cancel request and by its token. Every task is also answered cold and compared.
/// </summary>
public sealed class WaitConditionTests
{
    private static EngineSimulator Sim(ConditionInput input) => new(typeof(ConditionWorkflow), input);

    private static string Result(WorkflowCommand command) => Assert.IsType<CompleteWorkflowCommand>(command).Result!.Value.GetString()!;

    [Fact(Timeout = Limit)]
    public Task ConditionTrueAtOnce_ReturnsTrue_WithoutATimer() => Bounded(() =>
    {
        var sim = Sim(new ConditionInput(Preset: true, TimeoutSeconds: 30));
        Assert.Equal("held", Result(Assert.Single(sim.RunTask())));
    });

    [Fact(Timeout = Limit)]
    public Task ConditionBecomesTrueAfterASignal_ReturnsTrue() => Bounded(() =>
    {
        var sim = Sim(new ConditionInput());
        Assert.Empty(sim.RunTask());
        sim.Signal("Other", null); // no handler: buffered, the condition still does not hold
        Assert.Empty(sim.RunTask());
        sim.Signal("Set", null);
        Assert.Equal("held", Result(Assert.Single(sim.RunTask())));
    });

    [Fact(Timeout = Limit)]
    public Task WithTimeout_ConditionFirst_CancelsTheTimer_AndReturnsTrue() => Bounded(() =>
    {
        var sim = Sim(new ConditionInput(TimeoutSeconds: 30));
        var timer = Assert.IsType<StartTimerCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal(TimeSpan.FromSeconds(30), timer.Duration);

        sim.Signal("Set", null);
        var commands = sim.RunTask();
        Assert.Equal(2, commands.Count);
        Assert.Equal(timer.Seq, Assert.IsType<CancelTimerCommand>(commands[0]).Seq);
        Assert.Equal("held", Result(commands[1]));
        Assert.Empty(sim.OpenTimers);
    });

    [Fact(Timeout = Limit)]
    public Task WithTimeout_TimerFirst_ReturnsFalse_WithoutCancelingTheFiredTimer() => Bounded(() =>
    {
        var sim = Sim(new ConditionInput(TimeoutSeconds: 30));
        var timer = Assert.IsType<StartTimerCommand>(Assert.Single(sim.RunTask()));
        sim.FireTimer(timer.Seq);
        Assert.Equal("timed out", Result(Assert.Single(sim.RunTask())));
    });

    [Fact(Timeout = Limit)]
    public Task TimerFiredAndConditionHeld_InTheSameTask_ReturnsTrue() => Bounded(() =>
    {
        var sim = Sim(new ConditionInput(TimeoutSeconds: 30));
        var timer = Assert.IsType<StartTimerCommand>(Assert.Single(sim.RunTask()));
        sim.FireTimer(timer.Seq);
        sim.Signal("Set", null);
        Assert.Equal("held", Result(Assert.Single(sim.RunTask()))); // no CancelTimer for the fired timer (the simulator refuses one)
    });

    [Fact(Timeout = Limit)]
    public Task CancelRequest_CancelsTheWaitAndItsTimer_AndTheRun() => Bounded(() =>
    {
        var sim = Sim(new ConditionInput(TimeoutSeconds: 30));
        var timer = Assert.IsType<StartTimerCommand>(Assert.Single(sim.RunTask()));
        sim.RequestCancel();
        var commands = sim.RunTask();
        Assert.Equal(2, commands.Count);
        Assert.Equal(timer.Seq, Assert.IsType<CancelTimerCommand>(commands[0]).Seq);
        Assert.IsType<CancelWorkflowCommand>(commands[1]);
    });

    [Fact(Timeout = Limit)]
    public Task CancelRequest_ThrowsOperationCanceledInTheWait_WhichTheCodeCanCatch() => Bounded(() =>
    {
        var sim = Sim(new ConditionInput(CatchCancel: true));
        Assert.Empty(sim.RunTask());
        sim.RequestCancel();
        Assert.Equal("canceled", Result(Assert.Single(sim.RunTask())));
    });

    [Fact(Timeout = Limit)]
    public Task ConditionWaitBegunAfterTheCancelRequest_IsCanceledAtOnce_UnlessItHolds() => Bounded(() =>
    {
        var sim = Sim(new ConditionInput(CatchCancel: true));
        sim.RequestCancel(); // applied with the start, before the run reaches its wait
        Assert.Equal("canceled", Result(Assert.Single(sim.RunTask())));

        var holds = Sim(new ConditionInput(Preset: true, CatchCancel: true));
        holds.RequestCancel();
        Assert.Equal("held", Result(Assert.Single(holds.RunTask())));
    });

    [Fact(Timeout = Limit)]
    public Task ItsToken_CancelsTheWaitAndItsTimer() => Bounded(() =>
    {
        var sim = Sim(new ConditionInput(TimeoutSeconds: 30, CatchCancel: true, CancelTokenAfterSeconds: 5));
        var first = sim.RunTask();
        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5)], first.Cast<StartTimerCommand>().Select(t => t.Duration));
        var (conditionTimer, delay) = (((StartTimerCommand)first[0]).Seq, ((StartTimerCommand)first[1]).Seq);

        sim.FireTimer(delay);
        var commands = sim.RunTask();
        Assert.Equal(2, commands.Count);
        Assert.Equal(conditionTimer, Assert.IsType<CancelTimerCommand>(commands[0]).Seq);
        Assert.Equal("token canceled", Result(commands[1]));
    });
}
