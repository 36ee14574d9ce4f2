using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>Input of <see cref="ChainWorkflow"/>: this run's generation, the last one, and the "s" signals the last one takes.</summary>
public sealed record ChainInput(int Generation, int Generations, int ExpectedSignals);

/// <summary>
/// The tightest continue-as-new loop: every run continues as new in its first workflow task until generation
/// <c>Generations</c>, carrying over the signals it received. The last run takes <c>ExpectedSignals</c> "s" signals
/// (received by any run) and returns them. A cancel request ends whichever run sees it Canceled.
/// </summary>
[Workflow]
public sealed class ChainWorkflow
{
    [WorkflowRun]
    public async Task<int[]> RunAsync(WorkflowContext context, ChainInput input)
    {
        context.CancellationToken.ThrowIfCancellationRequested();
        if (input.Generation < input.Generations)
        {
            context.ContinueAsNew(input with { Generation = input.Generation + 1 });
        }
        var signals = new int[input.ExpectedSignals];
        for (var i = 0; i < signals.Length; i++)
        {
            signals[i] = await context.WaitForSignalAsync<int>("s");
        }
        return signals;
    }
}

/// <summary>
/// Fails every attempt before <c>attempts</c> (a workflow retry policy starts the next), then waits for signal "done"
/// and returns its attempt.
/// </summary>
[Workflow]
public sealed class RetryChainWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int attempts)
    {
        if (context.Attempt < attempts)
        {
            throw new InvalidOperationException($"attempt {context.Attempt} fails on purpose");
        }
        await context.WaitForSignalAsync<int>("done");
        return context.Attempt;
    }
}

/// <summary>Input of <see cref="ChainParentWorkflow"/>: <c>Children</c> endless <see cref="ChainWorkflow"/> children with <c>Policy</c>.</summary>
public sealed record ChainParentInput(int Children, string Policy);

/// <summary>
/// Starts children that continue as new as fast as they can (ids <c>{id}-c{i}</c>), then completes when signal "finish"
/// comes (or is terminated): it closes while they hand over.
/// </summary>
[Workflow]
public sealed class ChainParentWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, ChainParentInput input)
    {
        var policy = Enum.Parse<ParentClosePolicy>(input.Policy);
        for (var i = 0; i < input.Children; i++)
        {
            // not awaited: the children run until the parent's close policy ends them
            _ = context.ExecuteChildWorkflowAsync("ChainWorkflow", new ChainInput(0, int.MaxValue, 0),
                new ChildWorkflowOptions { WorkflowId = $"{context.WorkflowId}-c{i}", ParentClosePolicy = policy });
        }
        return await context.WaitForSignalAsync<string>("finish");
    }
}
