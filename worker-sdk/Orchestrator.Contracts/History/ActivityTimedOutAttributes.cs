using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>ActivityTimedOut</c>: timed out for good. JSON: <c>{"seq","scheduledEventId","timeoutType","failure"?}</c>.</summary>
/// <param name="Seq">The activity's sequence number.</param>
/// <param name="ScheduledEventId">The event id of its <c>ActivityScheduled</c>.</param>
/// <param name="TimeoutType"><c>"StartToClose"</c>, <c>"ScheduleToClose"</c>, <c>"ScheduleToStart"</c> or <c>"Heartbeat"</c>.</param>
/// <param name="Failure">The last failure before the timeout, if any.</param>
public sealed record ActivityTimedOutAttributes(int Seq, long ScheduledEventId, string TimeoutType, FailureInfo? Failure = null);
