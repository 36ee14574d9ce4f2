namespace Orchestrator.Sdk.Tests.Workflows;

// "Order" as first deployed, and later edits of it that no longer match its histories.
[Workflow("Order")]
public sealed class OrderV1
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        await Task.WhenAll(context.ExecuteActivityAsync<int>("echo", 1), context.ExecuteActivityAsync((MathActivities m) => m.AddAsync(1, 2)));
        await context.DelayAsync(TimeSpan.FromMinutes(1));
        return "done";
    }
}

[Workflow("Order")]
public sealed class OrderDifferentActivity
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        await Task.WhenAll(context.ExecuteActivityAsync<int>("echo", 1), context.ExecuteActivityAsync((MathActivities m) => m.NoteAsync("x")));
        await context.DelayAsync(TimeSpan.FromMinutes(1));
        return "done";
    }
}

[Workflow("Order")]
public sealed class OrderDifferentOrder
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        await Task.WhenAll(context.ExecuteActivityAsync((MathActivities m) => m.AddAsync(1, 2)), context.ExecuteActivityAsync<int>("echo", 1));
        await context.DelayAsync(TimeSpan.FromMinutes(1));
        return "done";
    }
}

[Workflow("Order")]
public sealed class OrderMissingCommand
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        await context.ExecuteActivityAsync<int>("echo", 1);
        await context.DelayAsync(TimeSpan.FromMinutes(1));
        return "done";
    }
}

[Workflow("Order")]
public sealed class OrderExtraCommand
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        await Task.WhenAll(
            context.ExecuteActivityAsync<int>("echo", 1),
            context.ExecuteActivityAsync((MathActivities m) => m.AddAsync(1, 2)),
            context.ExecuteActivityAsync((MathActivities m) => m.NoteAsync("extra")));
        await context.DelayAsync(TimeSpan.FromMinutes(1));
        return "done";
    }
}

[Workflow("Order")]
public sealed class OrderTimerInsteadOfActivity
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        await Task.WhenAll(context.ExecuteActivityAsync<int>("echo", 1), context.DelayAsync(TimeSpan.FromSeconds(5)));
        await context.DelayAsync(TimeSpan.FromMinutes(1));
        return "done";
    }
}

[Workflow("Patchy")]
public sealed class PatchV1
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        await context.ExecuteActivityAsync<int>("echo", 1);
        await context.ExecuteActivityAsync<int>("echo", 2);
        return "v1";
    }
}

[Workflow("Patchy")]
public sealed class PatchV2
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        await context.ExecuteActivityAsync<int>("echo", 1);
        if (context.Patched("add-step"))
        {
            await context.ExecuteActivityAsync((MathActivities m) => m.AddAsync(5, 5));
        }
        await context.ExecuteActivityAsync<int>("echo", 2);
        return context.Patched("add-step") ? "new path" : "old path";
    }
}
