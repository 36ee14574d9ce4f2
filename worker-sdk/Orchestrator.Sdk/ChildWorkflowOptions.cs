namespace Orchestrator.Sdk;

/// <summary>Options of a child workflow call.</summary>
public sealed class ChildWorkflowOptions
{
    /// <summary>The child's workflow id; null = <c>{parentWorkflowId}-child-{seq}</c> (deterministic).</summary>
    public string? WorkflowId { get; init; }

    /// <summary>The child's task queue; null = the parent's.</summary>
    public string? TaskQueue { get; init; }

    /// <summary>What happens to the child when the parent closes. Default <see cref="Sdk.ParentClosePolicy.Terminate"/>.</summary>
    public ParentClosePolicy ParentClosePolicy { get; init; } = ParentClosePolicy.Terminate;
}
