using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Contracts.History;

namespace Orchestrator.Contracts.Commands;

/// <summary>Schedules an activity. Becomes <c>ActivityScheduled</c> (<see cref="ActivityScheduledAttributes"/>) with the same fields.</summary>
/// <param name="Seq">Per-run sequence number shared by activities, timers and child workflows (1, 2, ...); results refer to it.</param>
/// <param name="ActivityName">The activity's registered name.</param>
/// <param name="Input">A JSON array holding the activity's arguments in order (<c>[]</c> for none).</param>
/// <param name="TaskQueue">The task queue to run it on; null = the workflow's task queue.</param>
/// <param name="StartToCloseTimeout">Limit of one attempt; null = engine default. JSON TimeSpan (<c>"[d.]hh:mm:ss[.fffffff]"</c>).</param>
/// <param name="ScheduleToCloseTimeout">Limit of all attempts together; null = none.</param>
/// <param name="ScheduleToStartTimeout">Limit of the wait in the queue; null = none.</param>
/// <param name="HeartbeatTimeout">Maximum time between heartbeats; null = no heartbeat required.</param>
/// <param name="RetryPolicy">How the engine retries a failed attempt; null = engine default.</param>
internal sealed record ScheduleActivityCommand(
    int Seq,
    string ActivityName,
    JsonElement Input,
    string? TaskQueue = null,
    TimeSpan? StartToCloseTimeout = null,
    TimeSpan? ScheduleToCloseTimeout = null,
    TimeSpan? ScheduleToStartTimeout = null,
    TimeSpan? HeartbeatTimeout = null,
    RetryPolicyInfo? RetryPolicy = null) : WorkflowCommand
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string EventType => EventTypes.ActivityScheduled;
}
