namespace Orchestrator.Sdk;

/// <summary>
/// Marks a workflow method that handles a signal: when a signal of its name arrives, the method is called with the
/// signal's input (instead of the signal being buffered for <see cref="WorkflowContext.WaitForSignalAsync{T}"/>). The method
/// is public, returns <c>void</c> or <see cref="Task"/>, and takes <c>()</c>, <c>(WorkflowContext)</c>, <c>(T input)</c> or
/// <c>(WorkflowContext, T input)</c>. It runs on the workflow's scheduler like the run method, may await workflow APIs, and
/// the run does not complete before it has finished. An exception from it fails the run, as one from the run method does.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class WorkflowSignalAttribute : Attribute
{
    /// <summary>Marks a signal handler named after the method, without a trailing "Async" (<c>CheckoutAsync</c>: "Checkout").</summary>
    public WorkflowSignalAttribute()
    {
    }

    /// <summary>Marks a signal handler with its own signal name.</summary>
    /// <param name="name">The signal's name.</param>
    public WorkflowSignalAttribute(string name) => Name = name;

    /// <summary>The signal's name; null: the method's name without a trailing "Async".</summary>
    public string? Name { get; }
}
