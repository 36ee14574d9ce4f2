using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>ActivityStarted</c> (informational: the replay runtime does not wait for it). JSON: <c>{"seq","scheduledEventId","attempt"}</c>.</summary>
/// <param name="Seq">The activity's sequence number.</param>
/// <param name="ScheduledEventId">The event id of its <c>ActivityScheduled</c>.</param>
/// <param name="Attempt">The attempt that started (1-based).</param>
public sealed record ActivityStartedAttributes(int Seq, long ScheduledEventId, int Attempt);
