using Orchestrator.Contracts;

namespace Orchestrator.Sdk;

/// <summary>A child workflow did not complete (failed, canceled, terminated or timed out); thrown in the parent where it awaits the child.</summary>
public sealed class ChildWorkflowFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="workflowType">The child's workflow type.</param>
    /// <param name="workflowId">The child's workflow id.</param>
    /// <param name="failure">Why the child did not complete.</param>
    public ChildWorkflowFailedException(string workflowType, string workflowId, FailureInfo failure)
        : base($"Child workflow '{workflowType}' ({workflowId}) failed: {failure?.Type}: {failure?.Message}")
    {
        ArgumentNullException.ThrowIfNull(failure);
        WorkflowType = workflowType;
        WorkflowId = workflowId;
        Failure = failure;
    }

    /// <summary>The child's workflow type.</summary>
    public string WorkflowType { get; }

    /// <summary>The child's workflow id.</summary>
    public string WorkflowId { get; }

    /// <summary>Why the child did not complete.</summary>
    public FailureInfo Failure { get; }
}
