using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>Waits <c>seconds</c> on a durable timer.</summary>
[Workflow]
public sealed class TimerWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, double seconds)
    {
        await context.DelayAsync(TimeSpan.FromSeconds(seconds));
        return "fired";
    }
}

/// <summary>Input of <see cref="ManyTimersWorkflow"/>: <c>Count</c> timers all due at <c>FireAt</c>.</summary>
public sealed record ManyTimersInput(DateTimeOffset FireAt, int Count);

/// <summary>Starts <c>Count</c> timers due at the same instant and waits for all of them.</summary>
[Workflow]
public sealed class ManyTimersWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, ManyTimersInput input)
    {
        var delay = input.FireAt - context.UtcNow;
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }
        await Task.WhenAll(Enumerable.Range(0, input.Count).Select(_ => context.DelayAsync(delay)));
        return input.Count;
    }
}

/// <summary>Waits 1 s, takes two "item" signals, then waits for a third with a 1 s timeout.</summary>
[Workflow]
public sealed class SignalWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        await context.DelayAsync(TimeSpan.FromSeconds(1));
        var first = await context.WaitForSignalAsync<string>("item");
        var second = await context.WaitForSignalAsync<string>("item");
        string third;
        try
        {
            third = await context.WaitForSignalAsync<string>("item", TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException)
        {
            third = "timeout";
        }
        return $"{first},{second},{third}";
    }
}

/// <summary>Waits for a signal that may never come (cancel, terminate, run timeout and parent-close tests).</summary>
[Workflow]
public sealed class WaitForeverWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context) => await context.WaitForSignalAsync<string>("never");
}

/// <summary>Fails with an exception thrown by workflow code.</summary>
[Workflow]
public sealed class FailingWorkflow
{
    [WorkflowRun]
    public Task<string> RunAsync(WorkflowContext context) => throw new InvalidOperationException("workflow code failed on purpose");
}

/// <summary>A child: doubles its input, or fails when it is negative.</summary>
[Workflow]
public sealed class DoublingChildWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int value)
    {
        await context.DelayAsync(TimeSpan.FromMilliseconds(10));
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "the child refuses negative numbers");
        }
        return value * 2;
    }
}

/// <summary>Input of <see cref="ParentWorkflow"/>: <c>Mode</c> is <c>ok</c>, <c>fail</c> or <c>wait</c> (a child that never ends, with <c>Policy</c>).</summary>
public sealed record ParentInput(string Mode, string Policy = "Terminate");

/// <summary>Runs a child workflow and reports its result or its failure.</summary>
[Workflow]
public sealed class ParentWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, ParentInput input)
    {
        if (input.Mode == "wait")
        {
            return await context.ExecuteChildWorkflowAsync<string>("WaitForeverWorkflow", null,
                new ChildWorkflowOptions { WorkflowId = context.WorkflowId + "-child", ParentClosePolicy = Enum.Parse<ParentClosePolicy>(input.Policy) });
        }
        try
        {
            var doubled = await context.ExecuteChildWorkflowAsync<int>("DoublingChildWorkflow", input.Mode == "ok" ? 21 : -1);
            return $"child:{doubled}";
        }
        catch (ChildWorkflowFailedException e)
        {
            return $"caught:{e.Failure.Type}:{e.Failure.Message}";
        }
    }
}

/// <summary>Input of <see cref="CounterWorkflow"/>.</summary>
public sealed record CounterInput(int Done, int Total, long Sum, int PerRun, int ExpectedSignals);

/// <summary>
/// Counts to <c>Total</c> in iterations of one short timer each (25 at a time), continuing as new every <c>PerRun</c>
/// iterations; at the end takes <c>ExpectedSignals</c> "extra" signals (sent at any time, carried over the hand-overs).
/// </summary>
[Workflow]
public sealed class CounterWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, CounterInput input)
    {
        var done = input.Done;
        var sum = input.Sum;
        var stop = Math.Min(input.Total, input.Done + input.PerRun);
        while (done < stop)
        {
            var batch = Math.Min(25, stop - done);
            await Task.WhenAll(Enumerable.Range(0, batch).Select(_ => context.DelayAsync(TimeSpan.FromMilliseconds(1))));
            for (var i = 0; i < batch; i++)
            {
                sum += ++done;
            }
        }
        if (done < input.Total)
        {
            context.ContinueAsNew(input with { Done = done, Sum = sum });
        }
        var signals = new List<int>();
        for (var i = 0; i < input.ExpectedSignals; i++)
        {
            signals.Add(await context.WaitForSignalAsync<int>("extra"));
        }
        return $"{sum}|{string.Join(",", signals)}";
    }
}

/// <summary>Reserves, then waits; when cancelled it releases (compensation) and ends canceled.</summary>
[Workflow]
public sealed class CancelCompensationWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, string dir)
    {
        var saga = new Saga(context);
        var options = new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(30) };
        try
        {
            await context.ExecuteActivityAsync((PrimitiveActivities a) => a.RecordAsync(dir, "reserve"), options);
            saga.AddCompensation(() => context.ExecuteActivityAsync((PrimitiveActivities a) => a.RecordAsync(dir, "release"), options));
            return await context.WaitForSignalAsync<string>("never");
        }
        catch (OperationCanceledException)
        {
            await saga.CompensateAsync();
            throw;
        }
    }
}

/// <summary>Runs one slow activity (terminate test: its late result must change nothing).</summary>
[Workflow]
public sealed class SlowActivityWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, string dir) =>
        await context.ExecuteActivityAsync((PrimitiveActivities a) => a.SlowAsync(dir, 3000),
            new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(30) });
}

/// <summary>Activities of the primitive tests; they leave marks in files of a directory the test reads.</summary>
public sealed class PrimitiveActivities
{
    [Activity]
    public Task<string> RecordAsync(string dir, string name)
    {
        File.AppendAllText(Path.Combine(dir, "calls.txt"), name + "\n");
        return Task.FromResult(name);
    }

    /// <summary>Sleeps ignoring cancellation, then writes <c>slow-done</c>.</summary>
    [Activity]
    public async Task<string> SlowAsync(string dir, int ms)
    {
        await Task.Delay(ms, CancellationToken.None);
        File.WriteAllText(Path.Combine(dir, "slow-done"), "done");
        return "late";
    }
}

/// <summary>Fails its first two attempts (workflow-level retry test), then returns its attempt.</summary>
[Workflow]
public sealed class FailTwiceWorkflow
{
    [WorkflowRun]
    public Task<int> RunAsync(WorkflowContext context, string label)
    {
        if (context.Attempt < 3)
        {
            throw new InvalidOperationException($"{label}: attempt {context.Attempt} fails");
        }
        return Task.FromResult(context.Attempt);
    }
}
