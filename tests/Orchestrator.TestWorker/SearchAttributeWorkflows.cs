using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>
/// Sets CustomerId (its input) and Stage "started", waits for signal "advance", sets Stage "shipped" and removes Note, then
/// waits for "finish" and returns the attributes it set.
/// </summary>
[Workflow]
public sealed class StageWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, string customerId)
    {
        context.UpsertSearchAttributes(new Dictionary<string, object?> { ["CustomerId"] = customerId, ["Stage"] = "started", ["Note"] = "new order" });
        await context.WaitForSignalAsync<string>("advance");
        context.UpsertSearchAttributes(new Dictionary<string, object?> { ["Stage"] = "shipped", ["Note"] = null });
        await context.WaitForSignalAsync<string>("finish");
        return string.Join(",", context.SearchAttributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));
    }
}
