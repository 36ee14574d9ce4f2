using System.Diagnostics.CodeAnalysis;

namespace Orchestrator.Sdk.Tests.Workflows;

[Workflow]
[SuppressMessage("Orchestrator.Determinism", "ORCH0005", Justification = "Deliberate: the runtime test checks that Task.Run is caught when it runs.")]
public sealed class TaskRunWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context)
    {
        var value = await Task.Run(() => 41);
        return value + await context.ExecuteActivityAsync<int>("echo", 1);
    }
}

[Workflow]
[SuppressMessage("Orchestrator.Determinism", "ORCH0004", Justification = "Deliberate: the runtime test checks that Task.Delay is caught when it runs.")]
public sealed class TaskDelayWorkflow
{
    [WorkflowRun]
    public async Task RunAsync(WorkflowContext context)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(20));
        await context.ExecuteActivityAsync<int>("echo", 1);
    }
}

[Workflow]
[SuppressMessage("Orchestrator.Determinism", "ORCH0006", Justification = "Deliberate: the runtime test checks that ConfigureAwait(false) is caught when it runs.")]
public sealed class ConfigureAwaitFalseWorkflow
{
    [WorkflowRun]
    public async Task RunAsync(WorkflowContext context)
    {
        await context.ExecuteActivityAsync<int>("echo", 1).ConfigureAwait(false);
        await context.ExecuteActivityAsync<int>("echo", 2);
    }
}

[Workflow]
public sealed class BlockingWorkflow
{
    public static readonly ManualResetEventSlim Gate = new(false);

    [WorkflowRun]
    public async Task RunAsync(WorkflowContext context)
    {
        await context.ExecuteActivityAsync<int>("echo", 1);
        Gate.Wait(); // blocks the workflow thread: a deadlock
    }
}

[Workflow]
public sealed class YieldingWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context)
    {
        await Task.Yield(); // stays on the workflow scheduler: allowed
        var a = context.ExecuteActivityAsync<int>("echo", 1);
        await Task.Yield();
        return await a;
    }
}

[Workflow]
[SuppressMessage("Orchestrator.Determinism", "ORCH0004", Justification = "Deliberate: the runtime test checks that a real timer is caught when it runs.")]
public sealed class RealTimerWorkflow
{
    [WorkflowRun]
    public async Task RunAsync(WorkflowContext context)
    {
        using var timer = new Timer(_ => { }, null, TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
        await context.ExecuteActivityAsync<int>("echo", 1);
    }
}
