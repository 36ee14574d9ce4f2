namespace Orchestrator.Sdk;

/// <summary>Options of <see cref="OrchestratorClient.StartWorkflowAsync"/>.</summary>
public sealed class StartWorkflowOptions
{
    /// <summary>The workflow id; default: one the engine makes up.</summary>
    public string? WorkflowId { get; set; }

    /// <summary>The task queue whose workers run the workflow; default: the engine's (<c>default</c>).</summary>
    public string? TaskQueue { get; set; }

    /// <summary>Whether the id of a closed run may be used again; default: the engine's (<see cref="WorkflowIdReusePolicy.AllowDuplicate"/>).</summary>
    public WorkflowIdReusePolicy? IdReusePolicy { get; set; }
}
