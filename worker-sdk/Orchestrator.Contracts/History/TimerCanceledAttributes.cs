using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>TimerCanceled</c>, the event of a <see cref="CancelTimerCommand"/>. JSON: <c>{"seq"}</c>.</summary>
/// <param name="Seq">The timer's sequence number.</param>
public sealed record TimerCanceledAttributes(int Seq);
