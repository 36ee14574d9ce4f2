using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>TimerStarted</c>, the event of a <see cref="StartTimerCommand"/>. JSON: <c>{"seq","duration","fireAt"}</c>.</summary>
/// <param name="Seq">The timer's sequence number.</param>
/// <param name="Duration">The requested duration.</param>
/// <param name="FireAt">When the engine fires it (UTC).</param>
public sealed record TimerStartedAttributes(int Seq, TimeSpan Duration, DateTimeOffset FireAt);
