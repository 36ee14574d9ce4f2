using Orchestrator.Sdk;

namespace Orchestrator.Bench;

/// <summary>One activity, then done: the unit of <c>throughput1</c>, <c>latency1</c> and <c>commitsPerWorkflow1</c>.</summary>
[Workflow]
public sealed class OneActivityWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int input) =>
        await context.ExecuteActivityAsync((BenchActivities a) => a.EchoAsync(input), BenchActivities.Options);
}

/// <summary><c>input</c> sequential activities (10 in <c>throughput10</c>; the replay history is of this shape too).</summary>
[Workflow]
public sealed class ChainWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var done = 0;
        for (var i = 0; i < input; i++)
        {
            done += await context.ExecuteActivityAsync((BenchActivities a) => a.EchoAsync(1), BenchActivities.Options);
        }
        return done;
    }
}

/// <summary>
/// <c>input</c> sequential local activities (<c>localActivitiesPerSec</c>): the work of <see cref="ChainWorkflow"/>, run in
/// the worker inside the workflow task instead of through the engine, one marker each.
/// </summary>
[Workflow]
public sealed class LocalChainWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var done = 0;
        for (var i = 0; i < input; i++)
        {
            done += await context.ExecuteLocalActivityAsync((BenchActivities a) => a.EchoAsync(1), BenchActivities.LocalOptions);
        }
        return done;
    }
}

/// <summary>Schedules <c>input</c> activities in its first workflow task and awaits them all (<c>fanOut2000ActivitiesPerSec</c>).</summary>
[Workflow]
public sealed class FanOutWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var calls = new List<Task<int>>(input);
        for (var i = 0; i < input; i++)
        {
            calls.Add(context.ExecuteActivityAsync((BenchActivities a) => a.EchoAsync(1), BenchActivities.Options));
        }
        var results = await Task.WhenAll(calls);
        return results.Sum();
    }
}

/// <summary>Sleeps on a durable timer of <c>input</c> seconds (<c>idleWorkflows10kRssMb</c>).</summary>
[Workflow]
public sealed class SleepWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int input)
    {
        await context.DelayAsync(TimeSpan.FromSeconds(input));
        return input;
    }
}

/// <summary>The benchmark's only activity: returns its input (no I/O, so the numbers are the engine's).</summary>
public sealed class BenchActivities
{
    public static readonly ActivityOptions Options = new() { StartToCloseTimeout = TimeSpan.FromSeconds(60) };

    public static readonly LocalActivityOptions LocalOptions = new() { StartToCloseTimeout = TimeSpan.FromSeconds(5) };

    [Activity]
    public Task<int> EchoAsync(int value) => Task.FromResult(value);
}
