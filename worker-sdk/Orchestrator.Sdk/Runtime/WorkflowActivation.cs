using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// The answer to a workflow task: either the commands to complete it with, or a task failure (which never fails the
/// workflow: the engine schedules the task again later).
/// </summary>
/// <param name="ScheduledEventId">The event id of the task's <c>WorkflowTaskScheduled</c>.</param>
/// <param name="Commands">The commands, in order (empty when <paramref name="Failure"/> is set).</param>
/// <param name="Failure">Why the task failed (non-determinism, escaped scheduler, deadlock), or null.</param>
internal sealed record WorkflowActivation(long ScheduledEventId, IReadOnlyList<WorkflowCommand> Commands, FailureInfo? Failure)
{
    /// <summary>Whether the task failed; report <see cref="Failure"/> and discard the instance.</summary>
    public bool IsTaskFailure => Failure is not null;
}
