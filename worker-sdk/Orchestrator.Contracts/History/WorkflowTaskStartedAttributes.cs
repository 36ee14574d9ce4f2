using System.Text.Json.Serialization;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>
/// Attributes of <c>WorkflowTaskStarted</c>, written together with the task's outcome. JSON: <c>{"scheduledEventId"}</c>, and
/// <c>"continuationId"</c> when the task was continued on a worker right after an activity.
/// </summary>
/// <param name="ScheduledEventId">The event id of the task's <c>WorkflowTaskScheduled</c>.</param>
/// <param name="ContinuationId">
/// The id of the <see cref="Messages.ContinuedWorkflowTask"/> whose commands the engine applied (null for a task sent to a
/// worker as usual): the worker that ran it checks it before its cached instance follows on, since the engine may have
/// applied another worker's continuation, or none.
/// </param>
public sealed record WorkflowTaskStartedAttributes(
    long ScheduledEventId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? ContinuationId = null);
