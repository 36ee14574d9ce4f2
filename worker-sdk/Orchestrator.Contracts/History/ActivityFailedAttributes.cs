using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>ActivityFailed</c>: failed for good (the engine has done the retries). JSON: <c>{"seq","scheduledEventId","attempt","failure"}</c>.</summary>
/// <param name="Seq">The activity's sequence number.</param>
/// <param name="ScheduledEventId">The event id of its <c>ActivityScheduled</c>.</param>
/// <param name="Attempt">The last attempt.</param>
/// <param name="Failure">The last attempt's failure.</param>
public sealed record ActivityFailedAttributes(int Seq, long ScheduledEventId, int Attempt, FailureInfo Failure);
