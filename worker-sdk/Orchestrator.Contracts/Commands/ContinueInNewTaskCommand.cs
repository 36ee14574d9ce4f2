using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>
/// Asks for another workflow task at once, after this answer's commands: the worker answers a task before its time limit
/// while the code still has work to do in the worker (local activities), and goes on in the next task. It has no event of
/// its own: what is written for it is the next task's <c>WorkflowTaskScheduled</c>. The last command of an answer, at
/// most once, never with a command that closes the run. JSON: <c>{"type":"ContinueInNewTask"}</c>.
/// </summary>
internal sealed record ContinueInNewTaskCommand : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.WorkflowTaskScheduled;
}
