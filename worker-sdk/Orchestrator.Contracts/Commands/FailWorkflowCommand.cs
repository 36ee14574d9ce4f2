using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>Closes the run as failed. Becomes <c>WorkflowFailed</c> (<see cref="WorkflowFailedAttributes"/>).</summary>
/// <param name="Failure">The exception the workflow code threw.</param>
internal sealed record FailWorkflowCommand(FailureInfo Failure) : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.WorkflowFailed;
}
