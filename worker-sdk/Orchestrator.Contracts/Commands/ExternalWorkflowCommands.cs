using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>
/// Signal the open run of another workflow. Becomes <c>ExternalSignalRequested</c> (<see cref="ExternalSignalRequestedAttributes"/>);
/// the engine delivers the signal once and records the outcome in this run. Matched on replay by seq and target.
/// </summary>
/// <param name="Seq">The command's sequence number.</param>
/// <param name="WorkflowId">The workflow to signal.</param>
/// <param name="SignalName">The signal's name.</param>
/// <param name="Input">The signal's payload.</param>
internal sealed record SignalExternalWorkflowCommand(int Seq, string WorkflowId, string SignalName, JsonElement? Input) : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.ExternalSignalRequested;
}

/// <summary>
/// Request cancellation of the open run of another workflow. Becomes <c>ExternalCancelRequested</c>
/// (<see cref="ExternalCancelRequestedAttributes"/>); the engine delivers it once and records the outcome in this run.
/// </summary>
/// <param name="Seq">The command's sequence number.</param>
/// <param name="WorkflowId">The workflow to cancel.</param>
/// <param name="Reason">Why.</param>
internal sealed record RequestCancelExternalWorkflowCommand(int Seq, string WorkflowId, string? Reason = null) : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.ExternalCancelRequested;
}
