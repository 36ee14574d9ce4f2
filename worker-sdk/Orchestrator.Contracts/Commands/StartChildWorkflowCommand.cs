using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>
/// Starts a child workflow. Becomes <c>ChildWorkflowStarted</c> (<see cref="ChildWorkflowStartedAttributes"/>);
/// the engine later appends <c>ChildWorkflowCompleted</c> or <c>ChildWorkflowFailed</c>.
/// </summary>
/// <param name="Seq">Per-run sequence number (shared with activities and timers).</param>
/// <param name="WorkflowType">The child's workflow type name.</param>
/// <param name="WorkflowId">The child's workflow id (the SDK derives a deterministic one when none is given).</param>
/// <param name="TaskQueue">The child's task queue; null = the parent's.</param>
/// <param name="Input">The child's input (any JSON value, or null).</param>
/// <param name="ParentClosePolicy">What happens to the child when the parent closes: <c>"Terminate"</c> (default), <c>"RequestCancel"</c> or <c>"Abandon"</c>.</param>
/// <param name="RunTimeout">Limit of each run of the child; null = none.</param>
/// <param name="ExecutionTimeout">Limit of the whole child, its retries and continue-as-new runs included; null = none.</param>
/// <param name="RetryPolicy">Retries of the child's run when it fails; null = none.</param>
/// <param name="IdReusePolicy">Whether the id of a closed run may be used: <c>"AllowDuplicate"</c> (null, the default), <c>"AllowDuplicateFailedOnly"</c>, <c>"RejectDuplicate"</c>.</param>
internal sealed record StartChildWorkflowCommand(
    int Seq,
    string WorkflowType,
    string WorkflowId,
    string? TaskQueue,
    JsonElement? Input,
    string ParentClosePolicy = "Terminate",
    TimeSpan? RunTimeout = null,
    TimeSpan? ExecutionTimeout = null,
    RetryPolicyInfo? RetryPolicy = null,
    string? IdReusePolicy = null) : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.ChildWorkflowStarted;
}
