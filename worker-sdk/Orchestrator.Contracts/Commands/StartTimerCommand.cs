using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>Starts a durable timer. Becomes <c>TimerStarted</c> (<see cref="TimerStartedAttributes"/>); the engine later appends <c>TimerFired</c>.</summary>
/// <param name="Seq">Per-run sequence number (shared with activities and children).</param>
/// <param name="Duration">How long from the task's completion until the timer fires.</param>
internal sealed record StartTimerCommand(int Seq, TimeSpan Duration) : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.TimerStarted;
}
