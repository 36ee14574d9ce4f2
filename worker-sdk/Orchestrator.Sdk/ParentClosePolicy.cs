namespace Orchestrator.Sdk;

/// <summary>What happens to a running child workflow when its parent closes.</summary>
public enum ParentClosePolicy
{
    /// <summary>The child is terminated (default).</summary>
    Terminate,

    /// <summary>Cancellation is requested of the child.</summary>
    RequestCancel,

    /// <summary>The child keeps running.</summary>
    Abandon,
}
