namespace Orchestrator.Sdk;

/// <summary>
/// Marks a workflow method that handles an update: a request that may change the workflow's state and returns a result
/// to its caller. The engine first asks the update's validator (<see cref="WorkflowUpdateValidatorAttribute"/>), if any;
/// once accepted (<c>WorkflowUpdateAccepted</c> in history), the method runs on the workflow's scheduler, may await workflow
/// APIs, and what it returns (or throws) is recorded as <c>WorkflowUpdateCompleted</c>. An exception fails the update, not
/// the run. The method is public, returns <see cref="Task"/> or <see cref="Task{TResult}"/>, and takes
/// <c>(WorkflowContext)</c>, <c>(WorkflowContext, T input)</c>, <c>()</c> or <c>(T input)</c>. A run whose run method
/// returns waits for its accepted updates to finish before it completes.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class WorkflowUpdateAttribute : Attribute
{
    /// <summary>Marks an update named after the method, without a trailing "Async" (<c>AddItemAsync</c>: "AddItem").</summary>
    public WorkflowUpdateAttribute()
    {
    }

    /// <summary>Marks an update with its own name.</summary>
    /// <param name="name">The update's name.</param>
    public WorkflowUpdateAttribute(string name) => Name = name;

    /// <summary>The update's name; null: the method's name without a trailing "Async".</summary>
    public string? Name { get; }
}
