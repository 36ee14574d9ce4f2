using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>WorkflowTaskCompleted</c>; one event per returned command follows it. JSON: <c>{"scheduledEventId"}</c>.</summary>
/// <param name="ScheduledEventId">The event id of the task's <c>WorkflowTaskScheduled</c>.</param>
public sealed record WorkflowTaskCompletedAttributes(long ScheduledEventId);
