using Orchestrator.Contracts.Commands;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Decider;

/// <summary>
/// Local activities run in the worker, inside a workflow task, and reach the engine as markers among the task's commands;
/// the engine's only part is <see cref="ContinueInNewTaskCommand"/>: a worker that must answer before the task's time limit
/// while the code has more local work asks for the next task at once.
/// </summary>
internal static partial class RunDecider
{
    /// <summary>
    /// Whether the answer ends with <see cref="ContinueInNewTaskCommand"/> (CommandValidator keeps it last, single and apart
    /// from a close) and the run is still open with no task scheduled: then the next task is scheduled now, with no new event
    /// before it, as a task that events of its own would have scheduled.
    /// </summary>
    private static bool ContinuesInNewTask(RunDecision d, IReadOnlyList<WorkflowCommand> commands) =>
        d.IsOpen && d.Task is { State: TaskState.Idle } && commands.Count > 0 && commands[^1] is ContinueInNewTaskCommand;
}
