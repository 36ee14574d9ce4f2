namespace Orchestrator.Sdk;

/// <summary>Marks a public method of an activities class as an activity.</summary>
/// <param name="name">The activity name; defaults to the method name without a trailing "Async".</param>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class ActivityAttribute(string? name = null) : Attribute
{
    /// <summary>The activity name, or null for the method name without "Async".</summary>
    public string? Name { get; } = name;
}
