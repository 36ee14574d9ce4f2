using System.Collections;
using System.Text;
using System.Text.Json;
using Orchestrator.Contracts.History;

namespace Orchestrator.Testing;

/// <summary>
/// A run's history, read for tests (<see cref="WorkflowTestEnvironment.GetHistoryAsync"/>): its events, the activities it
/// scheduled with their outcomes, and <see cref="Assert"/> for one-line checks. A list of its events, too.
/// </summary>
public sealed class WorkflowHistory : IReadOnlyList<HistoryEvent>
{
    private readonly Dictionary<long, RecordedActivity> _activities = [];

    /// <summary>Reads <paramref name="events"/> (in event id order) as the history of <paramref name="workflowId"/>.</summary>
    /// <param name="workflowId">The workflow id (for messages).</param>
    /// <param name="events">The events, e.g. <c>(await client.GetHistoryAsync(id)).Events</c> of an engine.</param>
    public WorkflowHistory(string workflowId, IReadOnlyList<HistoryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        ArgumentNullException.ThrowIfNull(events);
        WorkflowId = workflowId;
        Events = events;
        foreach (var e in events)
        {
            Read(e);
        }
    }

    /// <summary>The workflow id.</summary>
    public string WorkflowId { get; }

    /// <summary>The events, in event id order.</summary>
    public IReadOnlyList<HistoryEvent> Events { get; }

    /// <summary>The activities the run scheduled, in the order it scheduled them (local activities are markers, not here).</summary>
    public IReadOnlyList<RecordedActivity> Activities => _activities.Values.OrderBy(a => a.ScheduledEventId).ToList();

    /// <summary>The event that closed the run (<c>WorkflowCompleted</c>, <c>WorkflowFailed</c>, ...), or null while it is open.</summary>
    public HistoryEvent? CloseEvent => Events.Count > 0 && EventVocabulary.IsClosing(Events[^1].EventType) ? Events[^1] : null;

    /// <inheritdoc />
    public int Count => Events.Count;

    /// <inheritdoc />
    public HistoryEvent this[int index] => Events[index];

    /// <summary>The events of one type, in order.</summary>
    /// <param name="eventType">An <see cref="EventTypes"/> name.</param>
    /// <returns>The events.</returns>
    public IEnumerable<HistoryEvent> EventsOf(string eventType) => Events.Where(e => e.EventType == eventType);

    /// <summary>One-line checks of this history, chained: <c>history.Assert().Completed().ActivityCompleted("Charge")</c>.</summary>
    /// <returns>The checks.</returns>
    public HistoryAssertions Assert() => new(this);

    /// <inheritdoc />
    public IEnumerator<HistoryEvent> GetEnumerator() => Events.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The history in brief, one event a line (workflow task events left out, their failures kept).</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder($"History of '{WorkflowId}' ({Events.Count} events; workflow task events left out):");
        foreach (var e in Events.Where(e => e.EventType is not (EventTypes.WorkflowTaskScheduled or EventTypes.WorkflowTaskStarted or EventTypes.WorkflowTaskCompleted)))
        {
            text.Append("\n  ").Append(e.EventId).Append(' ').Append(e.EventType);
            if (Detail(e) is { Length: > 0 } detail)
            {
                text.Append(' ').Append(detail);
            }
        }
        return text.ToString();
    }

    /// <summary>The activity an activity event is about (by its scheduled event id), if the history has it.</summary>
    internal RecordedActivity? ActivityOf(HistoryEvent e) =>
        e.Attributes.ValueKind == JsonValueKind.Object && e.Attributes.TryGetProperty("scheduledEventId", out var id) && id.TryGetInt64(out var scheduled)
            ? _activities.GetValueOrDefault(scheduled)
            : null;

    private void Read(HistoryEvent e)
    {
        switch (e.EventType)
        {
            case EventTypes.ActivityScheduled:
                var scheduled = e.GetAttributes<ActivityScheduledAttributes>();
                _activities[e.EventId] = new RecordedActivity(scheduled.ActivityName, scheduled.Seq, e.EventId, scheduled.Input);
                break;
            case EventTypes.ActivityStarted when ActivityOf(e) is { } a:
                a.Attempts = Math.Max(a.Attempts, e.GetAttributes<ActivityStartedAttributes>().Attempt);
                break;
            case EventTypes.ActivityAttemptFailed when ActivityOf(e) is { } a:
                var attempt = e.GetAttributes<ActivityAttemptFailedAttributes>();
                (a.Attempts, a.Failure) = (Math.Max(a.Attempts, attempt.Attempt + 1), attempt.Failure);
                break;
            case EventTypes.ActivityCompleted when ActivityOf(e) is { } a:
                (a.Status, a.Result) = (RecordedActivityStatus.Completed, e.GetAttributes<ActivityCompletedAttributes>().Result);
                break;
            case EventTypes.ActivityFailed when ActivityOf(e) is { } a:
                var failed = e.GetAttributes<ActivityFailedAttributes>();
                (a.Status, a.Attempts, a.Failure) = (RecordedActivityStatus.Failed, Math.Max(a.Attempts, failed.Attempt), failed.Failure);
                break;
            case EventTypes.ActivityTimedOut when ActivityOf(e) is { } a:
                var timedOut = e.GetAttributes<ActivityTimedOutAttributes>();
                (a.Status, a.Failure) = (RecordedActivityStatus.TimedOut, timedOut.Failure ?? a.Failure);
                break;
            case EventTypes.ActivityCanceled when ActivityOf(e) is { } a:
                var canceled = e.GetAttributes<ActivityCanceledAttributes>();
                (a.Status, a.Attempts, a.CancelDetail) = (RecordedActivityStatus.Canceled, Math.Max(a.Attempts, canceled.Attempt), canceled.Detail);
                break;
        }
    }

    private string Detail(HistoryEvent e)
    {
        string Text(string name) => e.Attributes.ValueKind == JsonValueKind.Object && e.Attributes.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : "";
        string Failure() => e.Attributes.ValueKind == JsonValueKind.Object && e.Attributes.TryGetProperty("failure", out var f) && f.ValueKind == JsonValueKind.Object
            ? $"{(f.TryGetProperty("type", out var t) ? t.GetString() : "")}: {(f.TryGetProperty("message", out var m) ? m.GetString() : "")}"
            : "";
        return e.EventType switch
        {
            EventTypes.WorkflowStarted => Text("workflowType"),
            EventTypes.ActivityScheduled => $"{Text("activityName")} #{_activities[e.EventId].Seq}",
            EventTypes.ActivityStarted or EventTypes.ActivityCompleted or EventTypes.ActivityCancelRequested => ActivityOf(e)?.Name ?? "",
            EventTypes.ActivityCanceled => $"{ActivityOf(e)?.Name} ({Text("detail")})",
            EventTypes.ActivityAttemptFailed or EventTypes.ActivityFailed or EventTypes.ActivityTimedOut => $"{ActivityOf(e)?.Name} {Failure()}".Trim(),
            EventTypes.TimerStarted => Text("duration"),
            EventTypes.SignalReceived => Text("signalName"),
            EventTypes.ChildWorkflowStarted => $"{Text("workflowType")} '{Text("workflowId")}'",
            EventTypes.WorkflowUpdateAccepted => Text("name"),
            EventTypes.ExternalSignalRequested => $"{Text("signalName")} to '{Text("workflowId")}'",
            EventTypes.ExternalCancelRequested => $"'{Text("workflowId")}'",
            EventTypes.MarkerRecorded => Text("markerName"),
            EventTypes.WorkflowTaskFailed or EventTypes.WorkflowFailed or EventTypes.ChildWorkflowFailed or EventTypes.ExternalSignalFailed
                or EventTypes.ExternalCancelFailed or EventTypes.WorkflowUpdateCompleted => Failure(),
            EventTypes.WorkflowTerminated or EventTypes.WorkflowCancelRequested => Text("reason"),
            _ => "",
        };
    }
}
