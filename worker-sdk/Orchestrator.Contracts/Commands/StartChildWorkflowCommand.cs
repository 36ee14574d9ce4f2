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
internal sealed record StartChildWorkflowCommand(
    int Seq,
    string WorkflowType,
    string WorkflowId,
    string? TaskQueue,
    JsonElement? Input,
    string ParentClosePolicy = "Terminate") : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.ChildWorkflowStarted;
}
