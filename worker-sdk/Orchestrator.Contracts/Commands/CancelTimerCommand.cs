using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>Cancels a started timer that has not fired. Becomes <c>TimerCanceled</c> (<see cref="TimerCanceledAttributes"/>).</summary>
/// <param name="Seq">The timer's sequence number.</param>
internal sealed record CancelTimerCommand(int Seq) : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.TimerCanceled;
}
