using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

public sealed class EscapeDetectionTests
{
    private static WorkflowTaskFailedException FailingTask(Type workflow, int completeActivities = 0, WorkflowRuntimeOptions? options = null)
    {
        var sim = new EngineSimulator(workflow, options: options, checkCold: false) { Activities = FakeActivities.Default };
        return Assert.Throws<WorkflowTaskFailedException>(() =>
        {
            sim.RunTask();
            for (var i = 1; i <= completeActivities; i++)
            {
                sim.CompleteActivity(i);
                sim.RunTask();
            }
        });
    }

    [Fact(Timeout = Limit)]
    public Task TaskRun_FailsTheTask_SayingUseAnActivity() => Bounded(() =>
    {
        var ex = FailingTask(typeof(TaskRunWorkflow));
        Assert.Equal("NonDeterminismException", ex.Failure.Type);
        Assert.Contains("Task.Run", ex.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("context.ExecuteActivityAsync", ex.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("workflow task scheduled at event 2", ex.Failure.Message, StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task TaskDelay_FailsTheTask_SayingUseDelayAsync() => Bounded(() =>
    {
        var ex = FailingTask(typeof(TaskDelayWorkflow));
        Assert.Contains("Task.Delay", ex.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("context.DelayAsync", ex.Failure.Message, StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task RealTimer_FailsTheTask_SayingUseDelayAsync() => Bounded(() =>
    {
        var ex = FailingTask(typeof(RealTimerWorkflow));
        Assert.Contains("real timer", ex.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("context.DelayAsync", ex.Failure.Message, StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task ConfigureAwaitFalse_FailsTheTask() => Bounded(() =>
    {
        var ex = FailingTask(typeof(ConfigureAwaitFalseWorkflow), completeActivities: 1);
        Assert.Contains("ConfigureAwait(false)", ex.Failure.Message, StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task TaskYield_StaysOnTheScheduler_IsAllowed() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(YieldingWorkflow)) { Activities = FakeActivities.Default };
        sim.RunToEnd();
        Assert.Equal(1, ((Orchestrator.Contracts.Commands.CompleteWorkflowCommand)sim.Closing!).Result!.Value.GetInt32());
    });

    [Fact(Timeout = Limit)]
    public Task BlockingCode_FailsTheTask_AsDeadlock() => Bounded(() =>
    {
        try
        {
            var started = DateTime.UtcNow;
            var ex = FailingTask(typeof(BlockingWorkflow), completeActivities: 1, new WorkflowRuntimeOptions { DeadlockTimeout = TimeSpan.FromMilliseconds(300) });
            Assert.Contains("deadlock", ex.Failure.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("without yielding", ex.Failure.Message, StringComparison.Ordinal);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        }
        finally
        {
            BlockingWorkflow.Gate.Set(); // release the stuck workflow thread
        }
    });

    [Fact(Timeout = Limit)]
    public Task FaultedInstance_RefusesFurtherActivations() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(TaskRunWorkflow), checkCold: false);
        var instance = sim.NewInstance();
        sim.Append(EventTypes.WorkflowTaskScheduled, new WorkflowTaskScheduledAttributes(1));
        Assert.True(instance.Activate(sim.History.ToList()).IsTaskFailure);
        Assert.Throws<StaleWorkflowInstanceException>(() => instance.Activate(sim.History.ToList()));
    });
}
