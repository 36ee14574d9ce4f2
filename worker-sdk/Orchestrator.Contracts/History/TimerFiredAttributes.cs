using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>TimerFired</c>. JSON: <c>{"seq","startedEventId"}</c>.</summary>
/// <param name="Seq">The timer's sequence number.</param>
/// <param name="StartedEventId">The event id of its <c>TimerStarted</c>.</param>
public sealed record TimerFiredAttributes(int Seq, long StartedEventId);
