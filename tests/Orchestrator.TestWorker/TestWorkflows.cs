using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>Three activities one after the other; each waits <c>delayMs</c>.</summary>
[Workflow]
public sealed class ThreeStepWorkflow
{
    private static readonly ActivityOptions Options = new() { StartToCloseTimeout = TimeSpan.FromSeconds(60) };

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, int delayMs)
    {
        var a = await context.ExecuteActivityAsync((TestActivities t) => t.StepAsync(1, delayMs), Options);
        var b = await context.ExecuteActivityAsync((TestActivities t) => t.StepAsync(2, delayMs), Options);
        var c = await context.ExecuteActivityAsync((TestActivities t) => t.StepAsync(3, delayMs), Options);
        return $"{a},{b},{c}";
    }
}

/// <summary>The test activities.</summary>
public sealed class TestActivities
{
    [Activity]
    public async Task<string> StepAsync(int step, int delayMs)
    {
        if (delayMs > 0)
        {
            await Task.Delay(delayMs, ActivityExecutionContext.Current.CancellationToken);
        }
        return $"step{step}";
    }
}

/// <summary>
/// Runs <c>steps</c> activities, each given the workflow clock it was scheduled at, then waits for signal "finish" and
/// returns the clock readings (as its code computed them: after a cold replay, from the recorded history).
/// </summary>
[Workflow]
public sealed class ClockWorkflow
{
    private static readonly ActivityOptions Options = new() { StartToCloseTimeout = TimeSpan.FromSeconds(60) };

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, int steps)
    {
        var seen = new List<long>();
        for (var i = 0; i < steps; i++)
        {
            var ticks = context.UtcNow.UtcTicks;
            seen.Add(ticks);
            await context.ExecuteActivityAsync((ClockActivities a) => a.EchoAsync(ticks), Options);
        }
        await context.WaitForSignalAsync<string>("finish");
        return string.Join(",", seen);
    }
}

/// <summary>The clock workflow's activity.</summary>
public sealed class ClockActivities
{
    [Activity]
    public Task<long> EchoAsync(long ticks) => Task.FromResult(ticks);
}
