namespace Orchestrator.Sdk;

/// <summary>
/// The workflow a <see cref="WorkflowContext.SignalExternalWorkflowAsync"/> or <see cref="WorkflowContext.CancelExternalWorkflowAsync"/>
/// names has no open run (it never started, or it closed); thrown where the workflow awaits the call, and it may catch it.
/// </summary>
public sealed class WorkflowNotFoundException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="workflowId">The workflow id that has no open run.</param>
    /// <param name="message">What the engine said.</param>
    public WorkflowNotFoundException(string workflowId, string message)
        : base(message)
    {
        WorkflowId = workflowId;
    }

    /// <summary>The workflow id that has no open run.</summary>
    public string WorkflowId { get; }
}
