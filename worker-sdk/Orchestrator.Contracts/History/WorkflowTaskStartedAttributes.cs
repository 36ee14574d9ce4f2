using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>WorkflowTaskStarted</c>, written together with the task's outcome. JSON: <c>{"scheduledEventId"}</c>.</summary>
/// <param name="ScheduledEventId">The event id of the task's <c>WorkflowTaskScheduled</c>.</param>
public sealed record WorkflowTaskStartedAttributes(long ScheduledEventId);
