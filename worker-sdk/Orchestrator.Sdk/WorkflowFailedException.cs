using Orchestrator.Contracts;

namespace Orchestrator.Sdk;

/// <summary>A workflow run closed without a result (failed, canceled, terminated or timed out); thrown by the client when asking for its result.</summary>
public sealed class WorkflowFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="workflowId">The workflow id.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="failure">Why the run closed.</param>
    public WorkflowFailedException(string workflowId, string runId, FailureInfo failure)
        : base($"Workflow '{workflowId}' (run {runId}) failed: {failure?.Type}: {failure?.Message}")
    {
        ArgumentNullException.ThrowIfNull(failure);
        WorkflowId = workflowId;
        RunId = runId;
        Failure = failure;
    }

    /// <summary>The workflow id.</summary>
    public string WorkflowId { get; }

    /// <summary>The run id.</summary>
    public string RunId { get; }

    /// <summary>Why the run closed.</summary>
    public FailureInfo Failure { get; }
}
