using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>
/// A cart for the update tests: items are added by update <c>AddItem</c> (validated, then an activity, then the new count),
/// and the run waits on a condition until signal handler <c>Checkout</c> sets it; it returns the item count.
/// <c>SlowAdd</c> takes a 2 s timer before it adds, so a checkout can arrive while it runs.
/// </summary>
[Workflow]
public sealed class ShoppingCartWorkflow
{
    private readonly List<string> _items = [];
    private bool _checkedOut;

    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, string customerId)
    {
        await context.WaitConditionAsync(() => _checkedOut);
        return _items.Count;
    }

    [WorkflowQuery]
    public IReadOnlyList<string> Items() => _items;

    [WorkflowUpdateValidator(nameof(AddItemAsync))]
    public void ValidateAddItem(string item)
    {
        if (string.IsNullOrWhiteSpace(item))
        {
            throw new ArgumentException("An item needs a name.");
        }
        if (_checkedOut)
        {
            throw new InvalidOperationException("The cart is checked out.");
        }
    }

    [WorkflowUpdate]
    public async Task<int> AddItemAsync(WorkflowContext context, string item)
    {
        await context.ExecuteActivityAsync((TestActivities a) => a.StepAsync(_items.Count, 0), new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(60) });
        _items.Add(item);
        return _items.Count;
    }

    [WorkflowUpdate]
    public async Task<string> SlowAddAsync(WorkflowContext context, string item)
    {
        await context.DelayAsync(TimeSpan.FromSeconds(2));
        _items.Add(item);
        return "added " + item;
    }

    /// <summary>An update whose handler throws: the update fails, the run goes on.</summary>
    [WorkflowUpdate]
    public Task<int> BreakAsync(WorkflowContext context) => throw new InvalidOperationException("broken on purpose");

    [WorkflowSignal]
    public void Checkout() => _checkedOut = true;
}
