using Orchestrator.Contracts.Commands;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary>
/// A run method, signal handler or update handler that throws before it returns its task: the failure it sends (stack trace
/// included) is the same from a cached and a cold instance, and from the first call of the method in this process as from
/// later ones (calls through reflection's Invoke changed their frames after the first calls), whichever definition ran it.
/// </summary>
public sealed class SynchronousThrowTests
{
    [Workflow]
    public sealed class ThrowAtOnceWorkflow
    {
        [WorkflowRun]
        public Task RunAsync(WorkflowContext context) => throw new InvalidOperationException("run broke at once");
    }

    [Fact(Timeout = Limit)]
    public Task RunMethod_ThrowingAtOnce_FailsTheRun_WithTheSameFailureEveryTime() => Bounded(() =>
    {
        var failures = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var sim = new EngineSimulator(typeof(ThrowAtOnceWorkflow)); // compares each task with a cold instance
            var fail = Assert.IsType<FailWorkflowCommand>(Assert.Single(sim.RunTask()));
            Assert.Equal("run broke at once", fail.Failure.Message);
            failures.Add(fail.Failure.StackTrace!);
        }
        Assert.Single(failures.Distinct());
        Assert.DoesNotContain("System.Reflection", failures[0], StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task SignalAndUpdateHandlers_ThrowingAtOnce_SendTheSameFailureEveryTime() => Bounded(() =>
    {
        var traces = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var signal = new EngineSimulator(typeof(ThrowingSignalWorkflow));
            signal.Signal("Explode", "boom");
            traces.Add(Assert.IsType<FailWorkflowCommand>(Assert.Single(signal.RunTask())).Failure.StackTrace!);

            var update = new EngineSimulator(typeof(CounterWorkflow));
            update.Update("u1", "Fail");
            traces.Add(Assert.IsType<CompleteUpdateCommand>(Assert.Single(update.RunTask())).Failure!.StackTrace!);
        }
        Assert.Equal(2, traces.Distinct().Count()); // one per handler, whichever definition and instance ran it
        Assert.All(traces, t => Assert.DoesNotContain("System.Reflection", t, StringComparison.Ordinal));
    });
}
