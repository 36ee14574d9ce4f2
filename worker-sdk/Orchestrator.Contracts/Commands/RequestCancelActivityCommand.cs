using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>
/// Asks the engine to cancel a scheduled activity that has not closed. Becomes <c>ActivityCancelRequested</c>
/// (<see cref="ActivityCancelRequestedAttributes"/>); the activity then closes with <c>ActivityCanceled</c>.
/// </summary>
/// <param name="Seq">The activity's sequence number.</param>
internal sealed record RequestCancelActivityCommand(int Seq) : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.ActivityCancelRequested;
}
