namespace Orchestrator.Sdk;

/// <summary>Whether a workflow may start with the id of a closed run.</summary>
public enum WorkflowIdReusePolicy
{
    /// <summary>Always, once the previous run is closed.</summary>
    AllowDuplicate,

    /// <summary>Only when the previous run did not complete successfully.</summary>
    AllowDuplicateFailedOnly,

    /// <summary>Never.</summary>
    RejectDuplicate,
}
