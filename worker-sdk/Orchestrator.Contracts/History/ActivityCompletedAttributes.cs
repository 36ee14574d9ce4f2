using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>ActivityCompleted</c>. JSON: <c>{"seq","scheduledEventId","result"}</c>.</summary>
/// <param name="Seq">The activity's sequence number.</param>
/// <param name="ScheduledEventId">The event id of its <c>ActivityScheduled</c>.</param>
/// <param name="Result">The activity's return value (null for void).</param>
public sealed record ActivityCompletedAttributes(int Seq, long ScheduledEventId, JsonElement? Result);
