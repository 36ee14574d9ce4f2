using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>
/// A cart for the query tests: items arrive as signals "item" until one is "checkout", which closes the run with the item
/// count. Its queries read the items while it waits, and after it closed.
/// </summary>
[Workflow]
public sealed class CartWorkflow
{
    private readonly List<string> _items = [];
    private WorkflowContext? _context;

    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, string customerId)
    {
        _context = context;
        while (true)
        {
            var item = await context.WaitForSignalAsync<string>("item");
            if (item == "checkout")
            {
                return _items.Count;
            }
            _items.Add(item);
        }
    }

    [WorkflowQuery]
    public IReadOnlyList<string> Items() => _items;

    /// <summary>A named query with an argument.</summary>
    [WorkflowQuery("total")]
    public decimal Total(string currency) => currency switch
    {
        "EUR" => _items.Count * 2.5m,
        _ => throw new ArgumentException($"no prices in {currency}"),
    };

    /// <summary>A query that tries to schedule an activity (and drops its task): it must fail and change nothing.</summary>
    [WorkflowQuery]
    public int Sneaky()
    {
        _ = _context!.ExecuteActivityAsync<string>("Step", new object[] { 1, 0 });
        return _items.Count;
    }
}
