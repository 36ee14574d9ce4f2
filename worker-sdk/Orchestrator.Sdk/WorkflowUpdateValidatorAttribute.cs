namespace Orchestrator.Sdk;

/// <summary>
/// Marks the validator of an update: a public <c>void</c> method taking the update's argument (or nothing when the update
/// takes none) that rejects the update by throwing; the exception's message goes to the caller and nothing is recorded.
/// It runs before the update is accepted, on the replayed workflow, and may only read the workflow's state: a call to a
/// workflow API that schedules or records something (an activity, a timer, a wait, ...) rejects the update.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class WorkflowUpdateValidatorAttribute : Attribute
{
    /// <summary>Marks the validator of the <see cref="WorkflowUpdateAttribute"/> method <paramref name="updateMethod"/>.</summary>
    /// <param name="updateMethod">The name of the update's method (not the update's name): <c>nameof(AddItemAsync)</c>.</param>
    public WorkflowUpdateValidatorAttribute(string updateMethod) => UpdateMethod = updateMethod;

    /// <summary>The name of the <see cref="WorkflowUpdateAttribute"/> method this validates.</summary>
    public string UpdateMethod { get; }
}
