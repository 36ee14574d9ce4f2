using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>
/// Closes the run as canceled (the code threw <see cref="OperationCanceledException"/> after a cancel request).
/// Becomes <c>WorkflowCanceled</c> (<see cref="WorkflowCanceledAttributes"/>). JSON: <c>{"type":"CancelWorkflow"}</c>.
/// </summary>
internal sealed record CancelWorkflowCommand : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.WorkflowCanceled;
}
