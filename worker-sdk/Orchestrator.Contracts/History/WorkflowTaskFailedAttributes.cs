using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>WorkflowTaskFailed</c>: the task produced no commands (replay ignores it). JSON: <c>{"scheduledEventId","failure"}</c>.</summary>
/// <param name="ScheduledEventId">The event id of the task's <c>WorkflowTaskScheduled</c>.</param>
/// <param name="Failure">Why it failed (e.g. <c>NonDeterminismException</c>).</param>
public sealed record WorkflowTaskFailedAttributes(long ScheduledEventId, FailureInfo Failure);
