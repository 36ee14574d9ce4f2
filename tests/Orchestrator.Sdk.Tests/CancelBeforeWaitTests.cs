using Orchestrator.Contracts.Commands;
using Orchestrator.Sdk.Tests.Simulation;

namespace Orchestrator.Sdk.Tests;

/// <summary>A wait the code begins after a cancel request was applied (with the events that woke it) is canceled at once.</summary>
public sealed class CancelBeforeWaitTests
{
    [Workflow]
    public sealed class TimerThenWaitWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context)
        {
            await context.DelayAsync(TimeSpan.FromSeconds(1));
            return await context.WaitForSignalAsync<string>("never");
        }
    }

    [Fact]
    public void CancelRequestReplayedBeforeTheCodeReachesItsWait_CancelsTheWorkflow_InsteadOfWaitingForEver()
    {
        // the chaos run's history: the task after the timer failed (the worker could not fetch the history), the cancel request
        // was recorded with that failure, and the retry replays TimerFired and the request before the code runs on
        var sim = new EngineSimulator(typeof(TimerThenWaitWorkflow));
        sim.RunTask();
        sim.FireTimer(sim.OpenTimers.Keys.Single());
        sim.FailTask();
        sim.RequestCancel();

        var commands = sim.RunTask();

        Assert.IsType<CancelWorkflowCommand>(Assert.Single(commands));
    }
}
