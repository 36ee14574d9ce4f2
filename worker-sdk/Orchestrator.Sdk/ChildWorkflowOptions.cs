using Orchestrator.Contracts.Api;

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

    /// <summary>
    /// Cancels the child (not the parent): the child gets a cancel request (<c>ExternalCancelRequested</c> in the parent's
    /// history, delivered once), and the call throws <see cref="OperationCanceledException"/> as <see cref="CancellationType"/> says.
    /// A token canceled before the call starts nothing.
    /// </summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>What canceling <see cref="CancellationToken"/> does. Default <see cref="ChildWorkflowCancellationType.TryCancel"/>.</summary>
    public ChildWorkflowCancellationType CancellationType { get; init; } = ChildWorkflowCancellationType.TryCancel;

    /// <summary>Limit of each run of the child (it closes <c>TimedOut</c>); null = none.</summary>
    public TimeSpan? RunTimeout { get; init; }

    /// <summary>
    /// Limit of the child as a whole, its retries included: each of its runs gets the time left as its run timeout (the
    /// lesser of the two, with <see cref="RunTimeout"/>); null = none.
    /// </summary>
    public TimeSpan? ExecutionTimeout { get; init; }

    /// <summary>Retries of the child's run when it fails (a new run of the same id); null = none.</summary>
    public RetryPolicy? RetryPolicy { get; init; }

    /// <summary>
    /// Whether the child's id may be one whose last run closed: <see cref="WorkflowIdReusePolicy.AllowDuplicate"/> (default),
    /// <see cref="WorkflowIdReusePolicy.AllowDuplicateFailedOnly"/> or <see cref="WorkflowIdReusePolicy.RejectDuplicate"/>.
    /// A refused id fails the call with <see cref="ChildWorkflowFailedException"/> (type <c>WorkflowAlreadyStarted</c>).
    /// </summary>
    public WorkflowIdReusePolicy IdReusePolicy { get; init; } = WorkflowIdReusePolicy.AllowDuplicate;
}

/// <summary>What canceling a child's <see cref="ChildWorkflowOptions.CancellationToken"/> does.</summary>
public enum ChildWorkflowCancellationType
{
    /// <summary>The child gets a cancel request, and the call throws <see cref="OperationCanceledException"/> at once.</summary>
    TryCancel,

    /// <summary>
    /// The child gets a cancel request, and the call waits until the child closed: <see cref="OperationCanceledException"/>
    /// when it closed <c>Canceled</c>, else its result or failure as usual.
    /// </summary>
    WaitCancellationCompleted,

    /// <summary>The call throws at once and nothing is sent: the child runs on.</summary>
    Abandon,
}
