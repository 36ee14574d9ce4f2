using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary>
/// <c>[WorkflowSignal]</c> handlers: a signal of a handler's name goes to it (every shape), other signals are buffered for
/// <c>WaitForSignalAsync</c>; handlers run in event order, before the run's first line for signals that came with the start;
/// a run waits for its running handlers; a handler that throws fails the run. Every task is also answered cold and compared.
/// </summary>
public sealed class SignalHandlerTests
{
    [Fact(Timeout = Limit)]
    public Task EveryHandlerShape_GetsItsSignal_InEventOrder_AndTheRunWaitsForARunningHandler() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(SignalShapesWorkflow));
        Assert.Empty(sim.RunTask());

        sim.Signal("Ping", null);      // ()
        sim.Signal("Hello", null);     // (WorkflowContext), method HelloAsync
        sim.Signal("add", 3);          // (T), named
        sim.Signal("Later", "x");      // (WorkflowContext, T), awaits a timer
        var timer = Assert.IsType<StartTimerCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal(TimeSpan.FromMinutes(1), timer.Duration);

        sim.Signal("done", null);      // the run method returns, but handler LaterAsync still waits for its timer
        Assert.Empty(sim.RunTask());
        Assert.False(sim.IsClosed);

        sim.FireTimer(timer.Seq);
        var complete = Assert.IsType<CompleteWorkflowCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal("\"ping,hello wf-1,add 3\"", complete.Result!.Value.GetRawText()); // what the run method returned

        var replayed = sim.NewInstance();
        replayed.Replay(sim.History.ToList());
        var log = replayed.Query(WorkflowDefinition.Create(typeof(SignalShapesWorkflow)).Queries["Log"], null)!.Value.Deserialize<List<string>>();
        Assert.Equal(["ping", "hello wf-1", "add 3", "later x"], log); // the handler finished before the run completed
    });

    [Fact(Timeout = Limit)]
    public Task SignalWhoseInputDoesNotFitTheHandler_IsDropped_AndTheRunGoesOn() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(SignalShapesWorkflow));
        sim.RunTask();
        sim.Signal("add", "not a number");
        sim.Signal("add", 4);
        sim.Signal("done", null);
        var complete = Assert.IsType<CompleteWorkflowCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal("\"add 4\"", complete.Result!.Value.GetRawText());
    });

    [Fact(Timeout = Limit)]
    public Task HandlerAndWaitForSignal_ForDifferentNames_EachGetTheirOwn() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(MixedSignalsWorkflow));
        Assert.Empty(sim.RunTask());
        sim.Signal("count", null);
        sim.Signal("name", "ana");
        Assert.Empty(sim.RunTask());   // "name" taken by WaitForSignalAsync; one "count" so far, the condition waits

        sim.Signal("count", null);
        var complete = Assert.IsType<CompleteWorkflowCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal("\"ana:2\"", complete.Result!.Value.GetRawText());
    });

    [Fact(Timeout = Limit)]
    public Task HandledSignal_IsNeverBuffered_AndWaitForSignalAsyncOnItsNameFails() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(WaitForHandledSignalWorkflow));
        sim.Signal("count", 1);
        var fail = Assert.IsType<FailWorkflowCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal(nameof(InvalidOperationException), fail.Failure.Type);
        Assert.Contains("Signal 'count' has a [WorkflowSignal] handler", fail.Failure.Message, StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task SignalThatCameWithTheStart_ReachesItsHandlerBeforeTheRunsFirstLine() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(EarlySignalWorkflow));
        sim.Signal("Configure", "blue");   // before the first workflow task, as signal-with-start records it
        sim.RunToEnd();
        Assert.Equal("\"blue\"", Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetRawText());

        var without = new EngineSimulator(typeof(EarlySignalWorkflow));
        without.RunToEnd();
        Assert.Equal("\"none\"", Assert.IsType<CompleteWorkflowCommand>(without.Closing).Result!.Value.GetRawText());
    });

    [Fact(Timeout = Limit)]
    public Task SignalHandlerThatThrows_FailsTheRun_WithItsException() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(ThrowingSignalWorkflow));
        Assert.Empty(sim.RunTask());
        sim.Signal("Explode", "boom");
        var fail = Assert.IsType<FailWorkflowCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal(nameof(InvalidOperationException), fail.Failure.Type);
        Assert.Equal("signal handler broke: boom", fail.Failure.Message);
    });

    [Fact(Timeout = Limit)]
    public Task RecordedHistoryWithSignalHandlers_ReplaysCold() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(SignalShapesWorkflow));
        sim.Signal("Later", "early");
        sim.RunTask();
        sim.Signal("Ping", null);
        sim.Signal("done", null);
        sim.RunToEnd();
        var replayed = sim.NewInstance().Replay(sim.History.ToList()); // throws NonDeterminismException on a mismatch
        var complete = Assert.IsType<CompleteWorkflowCommand>(replayed[^1]);
        Assert.Equal("\"ping\"", complete.Result!.Value.GetRawText());
    });
}
