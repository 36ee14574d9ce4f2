namespace Orchestrator.Sdk.Tests.Workflows;

/// <summary>Upserts search attributes before and after an activity (one removed), and reads them back.</summary>
[Workflow]
public sealed class SearchAttributeWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, string customer)
    {
        context.UpsertSearchAttributes(new Dictionary<string, object?> { ["CustomerId"] = customer, ["Stage"] = "charging", ["Due"] = new DateTimeOffset(2026, 12, 24, 10, 0, 0, TimeSpan.FromHours(2)) });
        var sum = await context.ExecuteActivityAsync((MathActivities m) => m.AddAsync(1, 2));
        context.UpsertSearchAttributes(new Dictionary<string, object?> { ["Stage"] = "shipped", ["Due"] = null, ["Items"] = sum });
        return string.Join(",", context.SearchAttributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}"));
    }
}

/// <summary><see cref="SearchAttributeWorkflow"/> changed: the second upsert names other attributes (not replay-safe).</summary>
[Workflow("SearchAttributeWorkflow")]
public sealed class SearchAttributeWorkflowChanged
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, string customer)
    {
        context.UpsertSearchAttributes(new Dictionary<string, object?> { ["CustomerId"] = customer, ["Stage"] = "charging", ["Due"] = new DateTimeOffset(2026, 12, 24, 10, 0, 0, TimeSpan.FromHours(2)) });
        var sum = await context.ExecuteActivityAsync((MathActivities m) => m.AddAsync(1, 2));
        context.UpsertSearchAttributes(new Dictionary<string, object?> { ["Region"] = "eu" });
        return sum.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
