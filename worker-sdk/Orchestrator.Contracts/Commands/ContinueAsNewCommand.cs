using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>
/// Closes the run and starts the next run of the same workflow id and type with <paramref name="Input"/>.
/// Becomes <c>WorkflowContinuedAsNew</c> (<see cref="WorkflowContinuedAsNewAttributes"/>).
/// </summary>
/// <param name="Input">The next run's input (any JSON value, or null).</param>
/// <param name="Signals">
/// Signals this run received and its code did not consume, in arrival order: the engine appends them as <c>SignalReceived</c>
/// events at the start of the next run, so no signal is lost in the hand-over.
/// </param>
internal sealed record ContinueAsNewCommand(JsonElement? Input, IReadOnlyList<SignalReceivedAttributes>? Signals = null) : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.WorkflowContinuedAsNew;
}
