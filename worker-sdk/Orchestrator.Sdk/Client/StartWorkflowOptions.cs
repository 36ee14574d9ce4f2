using Orchestrator.Contracts.Api;

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

    /// <summary>Limit of each run: when it passes, the run closes <see cref="WorkflowStatus.TimedOut"/>. Default: none.</summary>
    public TimeSpan? RunTimeout { get; set; }

    /// <summary>
    /// Retry the whole run when it fails (an exception escapes the workflow code): the next attempt starts with the same
    /// input after the policy's back-off. Default: none (a failed run stays failed).
    /// </summary>
    public RetryPolicy? RetryPolicy { get; set; }

    /// <summary>
    /// Registered search attributes of the run and their values (strings, numbers, booleans, <see cref="DateTimeOffset"/>,
    /// string lists), shown in describe and the list and matched by list queries; null for none.
    /// </summary>
    public IReadOnlyDictionary<string, object>? SearchAttributes { get; set; }
}
