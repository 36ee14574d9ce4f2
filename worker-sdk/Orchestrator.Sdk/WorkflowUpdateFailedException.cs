using Orchestrator.Contracts;

namespace Orchestrator.Sdk;

/// <summary>An accepted update did not complete: its handler threw, or its run closed before the handler finished (type <c>RunClosed</c>).</summary>
public sealed class WorkflowUpdateFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="updateId">The update's id.</param>
    /// <param name="failure">Why the update failed.</param>
    public WorkflowUpdateFailedException(string workflowId, string updateId, FailureInfo failure)
        : base($"Update '{updateId}' of workflow '{workflowId}' failed: {failure?.Type}: {failure?.Message}")
    {
        ArgumentNullException.ThrowIfNull(failure);
        WorkflowId = workflowId;
        UpdateId = updateId;
        Failure = failure;
    }

    /// <summary>The workflow id.</summary>
    public string WorkflowId { get; }

    /// <summary>The update's id.</summary>
    public string UpdateId { get; }

    /// <summary>Why the update failed.</summary>
    public FailureInfo Failure { get; }
}
