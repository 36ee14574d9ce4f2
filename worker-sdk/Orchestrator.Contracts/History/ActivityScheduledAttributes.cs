using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>ActivityScheduled</c>, the event of a <see cref="ScheduleActivityCommand"/> (same fields). JSON: <c>{"seq","activityName","input","taskQueue"?,"startToCloseTimeout"?,"scheduleToCloseTimeout"?,"scheduleToStartTimeout"?,"heartbeatTimeout"?,"retryPolicy"?}</c>.</summary>
/// <param name="Seq">Per-run sequence number of the activity.</param>
/// <param name="ActivityName">The activity name.</param>
/// <param name="Input">JSON array of the arguments.</param>
/// <param name="TaskQueue">The task queue; null = the workflow's.</param>
/// <param name="StartToCloseTimeout">Limit of one attempt.</param>
/// <param name="ScheduleToCloseTimeout">Limit of all attempts.</param>
/// <param name="ScheduleToStartTimeout">Limit of the wait in the queue.</param>
/// <param name="HeartbeatTimeout">Maximum time between heartbeats.</param>
/// <param name="RetryPolicy">The retry policy; null = engine default.</param>
public sealed record ActivityScheduledAttributes(int Seq, string ActivityName, JsonElement Input, string? TaskQueue = null, TimeSpan? StartToCloseTimeout = null, TimeSpan? ScheduleToCloseTimeout = null, TimeSpan? ScheduleToStartTimeout = null, TimeSpan? HeartbeatTimeout = null, RetryPolicyInfo? RetryPolicy = null);
