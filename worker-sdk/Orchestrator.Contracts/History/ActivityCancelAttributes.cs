using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>
/// Attributes of <c>ActivityCancelRequested</c>, the event of a <see cref="RequestCancelActivityCommand"/>. JSON:
/// <c>{"seq","scheduledEventId"}</c>; <c>scheduledEventId</c> is null when the activity had closed already.
/// </summary>
/// <param name="Seq">The activity's sequence number.</param>
/// <param name="ScheduledEventId">The activity's <c>ActivityScheduled</c> event id, while it was open.</param>
public sealed record ActivityCancelRequestedAttributes(int Seq, long? ScheduledEventId);

/// <summary>
/// Attributes of <c>ActivityCanceled</c>: a canceled activity closed. JSON: <c>{"seq","scheduledEventId","attempt","detail"}</c>.
/// </summary>
/// <param name="Seq">The activity's sequence number.</param>
/// <param name="ScheduledEventId">The activity's <c>ActivityScheduled</c> event id.</param>
/// <param name="Attempt">The attempt running when it closed (0: none was running).</param>
/// <param name="Detail">How it closed: acknowledged by the activity, not started yet, its late result dropped, or no answer in its time.</param>
public sealed record ActivityCanceledAttributes(int Seq, long ScheduledEventId, int Attempt, string Detail);
