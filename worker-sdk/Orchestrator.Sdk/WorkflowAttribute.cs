namespace Orchestrator.Sdk;

/// <summary>Marks a class as a workflow. It needs a public parameterless constructor and exactly one <see cref="WorkflowRunAttribute"/> method.</summary>
/// <param name="name">The workflow type name; defaults to the class name.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class WorkflowAttribute(string? name = null) : Attribute
{
    /// <summary>The workflow type name, or null for the class name.</summary>
    public string? Name { get; } = name;
}
