using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Contracts.History;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Reset;

/// <summary>Where a reset goes: a named event (<paramref name="EventId"/>) or one of the run's workflow tasks (<paramref name="To"/>).</summary>
internal sealed record ResetTarget(long? EventId, Contracts.Api.ResetTo? To)
{
    public override string ToString() => EventId is { } id ? $"event {id}" : $"{To}";
}

/// <summary>An activity scheduled before the reset point and not closed before it: the new run gets its row again.</summary>
/// <param name="ScheduledEventId">Its <c>ActivityScheduled</c> event (the same id in the new run).</param>
/// <param name="Attributes">That event's attributes (name, input, options).</param>
/// <param name="OptionsJson">That event's attributes as stored (the row's <c>options</c>).</param>
internal sealed record OpenActivity(long ScheduledEventId, ActivityScheduledAttributes Attributes, string OptionsJson);

/// <summary>A timer started before the reset point and neither fired nor canceled before it (it fires at its own time in the new run).</summary>
internal sealed record OpenTimer(int Seq, long StartedEventId, DateTime FireAt);

/// <summary>
/// What a reset of a run to <see cref="PointEventId"/> makes (<see cref="ResetPoint.Plan"/>): the events copied (ids 1 up to
/// the point, exclusive), what was open at the point and is re-created, the signals received after it (re-applied, in
/// order), and the run's search attributes and cancel request as they stood at the point.
/// </summary>
internal sealed record ResetPlan(
    long PointEventId,
    IReadOnlyList<StoredEvent> Copied,
    IReadOnlyList<OpenActivity> Activities,
    IReadOnlyList<OpenTimer> Timers,
    IReadOnlyList<StoredEvent> Signals,
    string? SearchAttributes,
    bool CancelRequested);

/// <summary>
/// The pure part of a reset: from a run's history and a <see cref="ResetTarget"/>, the reset point (a
/// <c>WorkflowTaskScheduled</c> of the run) and what the new run needs, or why the point cannot be used.
/// </summary>
/// <remarks>
/// Rules (docs/visibility.md "Reset"):
/// <list type="bullet">
/// <item><c>eventId</c> names a workflow task by any of its events: its <c>WorkflowTaskScheduled</c>, or its
/// <c>WorkflowTaskStarted</c>, <c>WorkflowTaskCompleted</c> or <c>WorkflowTaskFailed</c> (their <c>scheduledEventId</c>);
/// the point is that task's <c>WorkflowTaskScheduled</c>. Any other event is refused.</item>
/// <item><c>FirstWorkflowTask</c>: the run's first <c>WorkflowTaskScheduled</c>. <c>LastWorkflowTask</c>: the last one
/// whose task completed (a <c>WorkflowTaskCompleted</c> names it): the run's last successful decision point.</item>
/// <item>Refused: a point where a child workflow, a request to another workflow (signal or cancel), an accepted update,
/// or an activity cancel request was open: none of them can be re-created without acting twice on something outside the
/// run.</item>
/// </list>
/// </remarks>
internal static class ResetPoint
{
    public static ResetPlan? Plan(IReadOnlyList<StoredEvent> history, ResetTarget target, out string? error)
    {
        var point = FindPoint(history, target, out error);
        if (point is not { } k)
        {
            return null;
        }
        var activities = new Dictionary<long, OpenActivity>();
        var canceling = new Dictionary<long, long>(); // activity scheduled id -> its ActivityCancelRequested event
        var timers = new Dictionary<int, OpenTimer>();
        var children = new Dictionary<int, StoredEvent>();
        var external = new Dictionary<(string Kind, int Seq), StoredEvent>();
        var updates = new Dictionary<string, StoredEvent>(StringComparer.Ordinal);
        JsonObject searchAttributes = [];
        var cancelRequested = false;
        var copied = new List<StoredEvent>();
        var signals = new List<StoredEvent>();
        foreach (var e in history)
        {
            if (e.EventId >= k)
            {
                if (e.EventType == EventTypes.SignalReceived)
                {
                    signals.Add(e);
                }
                continue;
            }
            copied.Add(e);
            switch (e.EventType)
            {
                case EventTypes.WorkflowStarted:
                    foreach (var (name, value) in Read<WorkflowStartedAttributes>(e).SearchAttributes ?? new Dictionary<string, JsonElement>())
                    {
                        searchAttributes[name] = JsonNode.Parse(value.GetRawText());
                    }
                    break;
                case EventTypes.SearchAttributesUpserted:
                    foreach (var (name, value) in Read<SearchAttributesUpsertedAttributes>(e).SearchAttributes)
                    {
                        if (value is not { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } v)
                        {
                            searchAttributes.Remove(name);
                        }
                        else
                        {
                            searchAttributes[name] = JsonNode.Parse(v.GetRawText());
                        }
                    }
                    break;
                case EventTypes.WorkflowCancelRequested:
                    cancelRequested = true;
                    break;
                case EventTypes.ActivityScheduled:
                    activities[e.EventId] = new OpenActivity(e.EventId, Read<ActivityScheduledAttributes>(e), e.AttributesJson);
                    break;
                case EventTypes.ActivityCompleted:
                    Close(activities, canceling, Read<ActivityCompletedAttributes>(e).ScheduledEventId);
                    break;
                case EventTypes.ActivityFailed:
                    Close(activities, canceling, Read<ActivityFailedAttributes>(e).ScheduledEventId);
                    break;
                case EventTypes.ActivityTimedOut:
                    Close(activities, canceling, Read<ActivityTimedOutAttributes>(e).ScheduledEventId);
                    break;
                case EventTypes.ActivityCanceled:
                    Close(activities, canceling, Read<ActivityCanceledAttributes>(e).ScheduledEventId);
                    break;
                case EventTypes.ActivityCancelRequested:
                    var cancel = Read<ActivityCancelRequestedAttributes>(e);
                    var scheduled = cancel.ScheduledEventId ?? activities.Values.FirstOrDefault(a => a.Attributes.Seq == cancel.Seq)?.ScheduledEventId;
                    if (scheduled is { } s && activities.ContainsKey(s))
                    {
                        canceling[s] = e.EventId;
                    }
                    break;
                case EventTypes.TimerStarted:
                    var started = Read<TimerStartedAttributes>(e);
                    timers[started.Seq] = new OpenTimer(started.Seq, e.EventId, started.FireAt.UtcDateTime);
                    break;
                case EventTypes.TimerFired:
                    timers.Remove(Read<TimerFiredAttributes>(e).Seq);
                    break;
                case EventTypes.TimerCanceled:
                    timers.Remove(Read<TimerCanceledAttributes>(e).Seq);
                    break;
                case EventTypes.ChildWorkflowStarted:
                    children[Read<ChildWorkflowStartedAttributes>(e).Seq] = e;
                    break;
                case EventTypes.ChildWorkflowCompleted:
                    children.Remove(Read<ChildWorkflowCompletedAttributes>(e).Seq);
                    break;
                case EventTypes.ChildWorkflowFailed:
                    children.Remove(Read<ChildWorkflowFailedAttributes>(e).Seq);
                    break;
                case EventTypes.ExternalSignalRequested:
                    external[("signal", Read<ExternalSignalRequestedAttributes>(e).Seq)] = e;
                    break;
                case EventTypes.ExternalCancelRequested:
                    external[("cancel", Read<ExternalCancelRequestedAttributes>(e).Seq)] = e;
                    break;
                case EventTypes.ExternalSignalCompleted:
                    external.Remove(("signal", Read<ExternalRequestCompletedAttributes>(e).Seq));
                    break;
                case EventTypes.ExternalSignalFailed:
                    external.Remove(("signal", Read<ExternalRequestFailedAttributes>(e).Seq));
                    break;
                case EventTypes.ExternalCancelCompleted:
                    external.Remove(("cancel", Read<ExternalRequestCompletedAttributes>(e).Seq));
                    break;
                case EventTypes.ExternalCancelFailed:
                    external.Remove(("cancel", Read<ExternalRequestFailedAttributes>(e).Seq));
                    break;
                case EventTypes.WorkflowUpdateAccepted:
                    updates[Read<WorkflowUpdateAcceptedAttributes>(e).UpdateId] = e;
                    break;
                case EventTypes.WorkflowUpdateCompleted:
                    updates.Remove(Read<WorkflowUpdateCompletedAttributes>(e).UpdateId);
                    break;
            }
        }
        error = children.Values.Select(c => Open(k, c, "a child workflow", "it would be started a second time or left without its parent"))
            .Concat(external.Values.Select(r => Open(k, r, "a request to another workflow", "it would be delivered twice or never answered")))
            .Concat(updates.Values.Select(u => Open(k, u, "an accepted update", "its caller waits on the old run, which closes")))
            .Concat(canceling.Values.Select(c => Open(k, history.First(h => h.EventId == c), "an activity cancel request",
                "the attempt being canceled belongs to the old run")))
            .FirstOrDefault();
        if (error is not null)
        {
            return null;
        }
        return new ResetPlan(k, copied, activities.Values.OrderBy(a => a.ScheduledEventId).ToList(), timers.Values.OrderBy(t => t.StartedEventId).ToList(),
            signals, searchAttributes.Count == 0 ? null : searchAttributes.ToJsonString(), cancelRequested);
    }

    /// <summary>The <c>WorkflowTaskScheduled</c> event id the target names, or null with the reason.</summary>
    private static long? FindPoint(IReadOnlyList<StoredEvent> history, ResetTarget target, out string? error)
    {
        error = null;
        if (target.EventId is { } id)
        {
            if (history.FirstOrDefault(e => e.EventId == id) is not { } named)
            {
                error = $"The run has no event {id} (its history has events 1 to {history.Count}).";
                return null;
            }
            long? scheduled = named.EventType switch
            {
                EventTypes.WorkflowTaskScheduled => named.EventId,
                EventTypes.WorkflowTaskStarted => Read<WorkflowTaskStartedAttributes>(named).ScheduledEventId,
                EventTypes.WorkflowTaskCompleted => Read<WorkflowTaskCompletedAttributes>(named).ScheduledEventId,
                EventTypes.WorkflowTaskFailed => Read<WorkflowTaskFailedAttributes>(named).ScheduledEventId,
                _ => null,
            };
            if (scheduled is not { } s || history.FirstOrDefault(e => e.EventId == s) is not { EventType: EventTypes.WorkflowTaskScheduled })
            {
                error = $"Event {id} is a {named.EventType}: a reset point is a workflow task, named by its WorkflowTaskScheduled, WorkflowTaskStarted, "
                    + "WorkflowTaskCompleted or WorkflowTaskFailed event.";
                return null;
            }
            return s;
        }
        if (target.To == Contracts.Api.ResetTo.FirstWorkflowTask)
        {
            if (history.FirstOrDefault(e => e.EventType == EventTypes.WorkflowTaskScheduled) is { } first)
            {
                return first.EventId;
            }
            error = "The run has no workflow task.";
            return null;
        }
        var completed = history.Where(e => e.EventType == EventTypes.WorkflowTaskCompleted)
            .Select(e => Read<WorkflowTaskCompletedAttributes>(e).ScheduledEventId).ToHashSet();
        if (history.LastOrDefault(e => e.EventType == EventTypes.WorkflowTaskScheduled && completed.Contains(e.EventId)) is { } last)
        {
            return last.EventId;
        }
        error = "No workflow task of the run completed, so it has no LastWorkflowTask: reset to FirstWorkflowTask instead.";
        return null;
    }

    private static void Close(Dictionary<long, OpenActivity> activities, Dictionary<long, long> canceling, long scheduledEventId)
    {
        activities.Remove(scheduledEventId);
        canceling.Remove(scheduledEventId);
    }

    private static string Open(long point, StoredEvent opened, string what, string why) =>
        $"At the reset point (event {point}) {what} was open ({opened.EventType}, event {opened.EventId}): it cannot be re-created safely ({why}). "
        + "Reset to a workflow task before it was opened or after it closed.";

    private static T Read<T>(StoredEvent e) => JsonSerializer.Deserialize<T>(e.AttributesJson, HistoryJson.Options)
        ?? throw new InvalidOperationException($"Event {e.EventId} ({e.EventType}) has no attributes.");
}
