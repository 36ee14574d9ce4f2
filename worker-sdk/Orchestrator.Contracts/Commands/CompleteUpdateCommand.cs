using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>
/// An accepted update's handler finished. Becomes <c>WorkflowUpdateCompleted</c> (<see cref="WorkflowUpdateCompletedAttributes"/>);
/// the engine hands the outcome to the update's callers. Matched on replay by <paramref name="UpdateId"/>.
/// </summary>
/// <param name="UpdateId">The update's id (as in its <c>WorkflowUpdateAccepted</c>).</param>
/// <param name="Result">The handler's result, when it returned.</param>
/// <param name="Failure">What the handler threw, when it failed (then <paramref name="Result"/> is null).</param>
internal sealed record CompleteUpdateCommand(string UpdateId, JsonElement? Result, FailureInfo? Failure = null) : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.WorkflowUpdateCompleted;
}
