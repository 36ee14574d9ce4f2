namespace Orchestrator.Sdk;

/// <summary>
/// Marks a workflow method that answers a query: a synchronous, read-only look at the workflow's state, on an open or a
/// closed run (<c>POST /api/v1/workflows/{id}/queries/{name}</c>, <see cref="WorkflowHandle.QueryAsync{T}"/>).
/// The method takes no argument or one, returns a value (not a <see cref="Task"/>), and may not schedule anything: a call
/// to an activity, timer, child, signal wait or continue-as-new from a query fails the query and changes nothing.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class WorkflowQueryAttribute : Attribute
{
    /// <summary>Marks a query named after the method.</summary>
    public WorkflowQueryAttribute()
    {
    }

    /// <summary>Marks a query with its own name.</summary>
    /// <param name="name">The query's name.</param>
    public WorkflowQueryAttribute(string name) => Name = name;

    /// <summary>The query's name; null: the method's name.</summary>
    public string? Name { get; }
}
