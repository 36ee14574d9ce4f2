using System.Text.Json;

namespace Orchestrator.Contracts.Messages;

/// <summary>Engine → worker (queue <see cref="QueueNames.ActivityTasks"/>): run one attempt of an activity.</summary>
/// <param name="RunId">The run that scheduled it.</param>
/// <param name="WorkflowId">The run's workflow id.</param>
/// <param name="ScheduledEventId">The id of the <c>ActivityScheduled</c> event; with <paramref name="Attempt"/>, the token.</param>
/// <param name="Attempt">The attempt number, from 1.</param>
/// <param name="ActivityName">The activity name.</param>
/// <param name="TaskQueue">The task queue.</param>
/// <param name="Input">The JSON array of arguments.</param>
/// <param name="StartToCloseTimeout">Limit of this attempt; the worker cancels the activity's token when it passes.</param>
/// <param name="HeartbeatTimeout">Maximum time between heartbeats, if any.</param>
/// <param name="HeartbeatDetails">The last heartbeat details recorded by an earlier attempt.</param>
/// <param name="TraceParent">W3C trace context of the run.</param>
/// <param name="ReportStart">
/// The activity has a ScheduleToStartTimeout: the worker sends <see cref="ActivityTaskStartedMessage"/> when it takes the
/// task, before running it.
/// </param>
/// <param name="Seq">The activity's sequence number in the workflow (its <c>ActivityScheduled</c> seq).</param>
/// <param name="WorkflowTail">
/// Set on the first attempt of an activity scheduled by a workflow task whose answer added few events: the events the run
/// recorded since that task (its <c>WorkflowTaskStarted</c> on, this activity's <c>ActivityScheduled</c> among them). A
/// worker that holds the run's instance can then run the next workflow task right after the activity (see
/// <see cref="ContinuedWorkflowTask"/>).
/// </param>
internal sealed record ActivityTaskMessage(
    Guid RunId, string WorkflowId, long ScheduledEventId, int Attempt, string ActivityName, string TaskQueue,
    JsonElement Input, TimeSpan? StartToCloseTimeout, TimeSpan? HeartbeatTimeout, JsonElement? HeartbeatDetails, string? TraceParent,
    bool ReportStart = false, int Seq = 0, IReadOnlyList<History.HistoryEvent>? WorkflowTail = null);
