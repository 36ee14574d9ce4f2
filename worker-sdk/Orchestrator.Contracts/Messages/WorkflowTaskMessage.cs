using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Messages;

/// <summary>
/// Engine → worker (queue <see cref="QueueNames.WorkflowTasks"/>): run the workflow code of a run up to its current workflow task.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="WorkflowId">The run's workflow id.</param>
/// <param name="WorkflowType">The workflow type name.</param>
/// <param name="TaskQueue">The task queue.</param>
/// <param name="ScheduledEventId">The id of the task's <c>WorkflowTaskScheduled</c> event (the last event of <paramref name="Events"/>).</param>
/// <param name="Attempt">Dispatch attempt of this task (1, 2, ...); part of the token.</param>
/// <param name="Events">
/// The events after the previous completed workflow task's <c>WorkflowTaskScheduled</c> event, up to and including
/// <paramref name="ScheduledEventId"/>. A worker whose cached instance has applied every event before
/// <c>Events[0]</c> applies just these; otherwise it fetches the whole history from the engine.
/// </param>
/// <param name="TraceParent">W3C trace context of the run.</param>
/// <param name="Timeout">
/// How long the engine waits for this attempt's answer from when it sent it (after that it sends the task again); the
/// worker keeps local activities within it. Null from an engine that does not say (the worker assumes 10 s).
/// </param>
internal sealed record WorkflowTaskMessage(
    Guid RunId, string WorkflowId, string WorkflowType, string TaskQueue, long ScheduledEventId, int Attempt,
    IReadOnlyList<HistoryEvent> Events, string? TraceParent, TimeSpan? Timeout = null);
