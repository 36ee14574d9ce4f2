namespace Orchestrator.Sdk;

/// <summary>
/// Marks the entry method of a <see cref="WorkflowAttribute"/> class: public, returning <see cref="Task"/> or
/// <see cref="Task{TResult}"/>, taking a <see cref="WorkflowContext"/> and optionally one input parameter.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class WorkflowRunAttribute : Attribute;
