using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>Closes the run as completed. Becomes <c>WorkflowCompleted</c> (<see cref="WorkflowCompletedAttributes"/>).</summary>
/// <param name="Result">The workflow's result (any JSON value, or null for none).</param>
internal sealed record CompleteWorkflowCommand(JsonElement? Result) : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.WorkflowCompleted;
}
