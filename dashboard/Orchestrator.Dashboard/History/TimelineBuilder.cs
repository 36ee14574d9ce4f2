using System.Text.Json;
using Orchestrator.Contracts.History;

namespace Orchestrator.Dashboard.History;

/// <summary>
/// Turns a history into timeline rows: the workflow itself, one row per activity attempt (scheduled → started →
/// closed; an attempt that was retried ends where the next one starts), timers (started → fired or canceled),
/// child workflows and signals (points). Pure: no I/O, "now" is given.
/// </summary>
internal static class TimelineBuilder
{
    public static TimelineModel Build(IReadOnlyList<HistoryEvent> events, bool isOpen, DateTimeOffset now)
    {
        if (events.Count == 0)
        {
            return new TimelineModel(now, now, []);
        }
        var start = events[0].Timestamp;
        var end = isOpen ? Max(now, events[^1].Timestamp) : events[^1].Timestamp;

        var rows = new List<(long Order, TimelineRow Row)>();
        var activities = new Dictionary<long, ActivityTrack>();
        var timers = new Dictionary<long, (long EventId, DateTimeOffset Start, string Label, DateTimeOffset? FireAt)>();
        var children = new Dictionary<long, (long EventId, DateTimeOffset Start, string Label)>();
        TimelineOutcome? workflowOutcome = null;

        foreach (var e in events)
        {
            var a = e.Attributes;
            switch (e.EventType)
            {
                case EventTypes.ActivityScheduled:
                    activities[e.EventId] = new ActivityTrack(e.EventId, e.Timestamp, $"{Str(a, "activityName") ?? "activity"} #{Num(a, "seq")}");
                    break;
                case EventTypes.ActivityStarted when activities.TryGetValue(Num(a, "scheduledEventId"), out var track):
                    track.Attempts.Add(((int)Num(a, "attempt"), e.Timestamp));
                    break;
                case EventTypes.ActivityCompleted or EventTypes.ActivityFailed or EventTypes.ActivityTimedOut or EventTypes.ActivityCanceled
                    when activities.TryGetValue(Num(a, "scheduledEventId"), out var closed):
                    closed.Closed = (e.Timestamp, e.EventType switch
                    {
                        EventTypes.ActivityCompleted => TimelineOutcome.Completed,
                        EventTypes.ActivityFailed => TimelineOutcome.Failed,
                        EventTypes.ActivityCanceled => TimelineOutcome.Canceled,
                        _ => TimelineOutcome.TimedOut,
                    });
                    break;
                case EventTypes.TimerStarted:
                    timers[Num(a, "seq")] = (e.EventId, e.Timestamp, $"timer #{Num(a, "seq")} {Span(a, "duration")}".TrimEnd(), Time(a, "fireAt"));
                    break;
                case EventTypes.TimerFired or EventTypes.TimerCanceled when timers.Remove(Num(a, "seq"), out var timer):
                    var outcome = e.EventType == EventTypes.TimerFired ? TimelineOutcome.Fired : TimelineOutcome.Canceled;
                    rows.Add((timer.EventId, new TimelineRow(TimelineKind.Timer, timer.Label, timer.EventId,
                        new TimelineBar(timer.Start, null, e.Timestamp, outcome, $"{timer.Label}: {outcome.ToString().ToLowerInvariant()} after {TimeFormat.Duration(e.Timestamp - timer.Start)}"))));
                    break;
                case EventTypes.SignalReceived:
                    var signal = $"signal {Str(a, "signalName")}";
                    rows.Add((e.EventId, new TimelineRow(TimelineKind.Signal, signal, e.EventId,
                        new TimelineBar(e.Timestamp, null, e.Timestamp, TimelineOutcome.Received, $"{signal} at {TimeFormat.Absolute(e.Timestamp)}"))));
                    break;
                case EventTypes.ChildWorkflowStarted:
                    children[Num(a, "seq")] = (e.EventId, e.Timestamp, $"child {Str(a, "workflowType")} {Str(a, "workflowId")}");
                    break;
                case EventTypes.ChildWorkflowCompleted or EventTypes.ChildWorkflowFailed when children.Remove(Num(a, "seq"), out var child):
                    var childOutcome = e.EventType == EventTypes.ChildWorkflowCompleted ? TimelineOutcome.Completed : TimelineOutcome.Failed;
                    rows.Add((child.EventId, new TimelineRow(TimelineKind.Child, child.Label, child.EventId,
                        new TimelineBar(child.Start, null, e.Timestamp, childOutcome, $"{child.Label}: {childOutcome.ToString().ToLowerInvariant()} after {TimeFormat.Duration(e.Timestamp - child.Start)}"))));
                    break;
                case EventTypes.WorkflowCompleted or EventTypes.WorkflowContinuedAsNew:
                    workflowOutcome = TimelineOutcome.Completed;
                    break;
                case EventTypes.WorkflowFailed or EventTypes.WorkflowTerminated:
                    workflowOutcome = TimelineOutcome.Failed;
                    break;
                case EventTypes.WorkflowCanceled:
                    workflowOutcome = TimelineOutcome.Canceled;
                    break;
                case EventTypes.WorkflowTimedOut:
                    workflowOutcome = TimelineOutcome.TimedOut;
                    break;
            }
        }

        foreach (var track in activities.Values)
        {
            rows.AddRange(track.Rows(end).Select(row => (row.EventId, row)));
        }
        foreach (var timer in timers.Values)
        {
            var planned = timer.FireAt is { } fireAt ? $", fires {TimeFormat.Absolute(fireAt)}" : "";
            rows.Add((timer.EventId, new TimelineRow(TimelineKind.Timer, timer.Label, timer.EventId,
                new TimelineBar(timer.Start, null, end, TimelineOutcome.Open, $"{timer.Label}: waiting{planned}"))));
        }
        foreach (var child in children.Values)
        {
            rows.Add((child.EventId, new TimelineRow(TimelineKind.Child, child.Label, child.EventId,
                new TimelineBar(child.Start, null, end, TimelineOutcome.Open, $"{child.Label}: running"))));
        }

        var workflow = new TimelineRow(TimelineKind.Workflow, "workflow", events[0].EventId,
            new TimelineBar(start, null, end, workflowOutcome ?? TimelineOutcome.Open, $"workflow: {TimeFormat.Duration(end - start)}"));
        var ordered = rows.OrderBy(r => r.Order).ThenBy(r => r.Row.Bar.Start).Select(r => r.Row).Prepend(workflow).ToList();
        return new TimelineModel(start, end, ordered);
    }

    private sealed class ActivityTrack(long eventId, DateTimeOffset scheduled, string label)
    {
        public List<(int Attempt, DateTimeOffset Started)> Attempts { get; } = [];

        public (DateTimeOffset At, TimelineOutcome Outcome)? Closed { get; set; }

        public IEnumerable<TimelineRow> Rows(DateTimeOffset timelineEnd)
        {
            if (Attempts.Count == 0)
            {
                // Never started: queued until it closed (e.g. schedule-to-start timeout) or until now.
                var (end, outcome) = Closed ?? (timelineEnd, TimelineOutcome.Open);
                yield return new TimelineRow(TimelineKind.Activity, label, eventId,
                    new TimelineBar(scheduled, null, end, outcome, outcome == TimelineOutcome.Canceled
                        ? $"{label}: canceled after {TimeFormat.Duration(end - scheduled)}"
                        : $"{label}: scheduled, not started ({Describe(outcome)})"));
                yield break;
            }
            var attempts = Attempts.OrderBy(x => x.Started).ToList();
            for (var i = 0; i < attempts.Count; i++)
            {
                var (attempt, started) = attempts[i];
                var last = i == attempts.Count - 1;
                var barStart = i == 0 ? scheduled : started;
                var (end, outcome) = !last ? (attempts[i + 1].Started, TimelineOutcome.Retried) : Closed ?? (timelineEnd, TimelineOutcome.Open);
                var title = $"{label} attempt {attempt}: scheduled {TimeFormat.Absolute(barStart)}, started {TimeFormat.Absolute(started)}, "
                    + $"{Describe(outcome)} {(outcome == TimelineOutcome.Open ? "for" : "after")} {TimeFormat.Duration(end - started)}";
                yield return new TimelineRow(TimelineKind.Activity, $"{label} · attempt {attempt}", eventId,
                    new TimelineBar(barStart, started, end, outcome, title));
            }
        }

        private static string Describe(TimelineOutcome outcome) => outcome switch
        {
            TimelineOutcome.Open => "running",
            TimelineOutcome.Retried => "failed, retried",
            TimelineOutcome.TimedOut => "timed out",
            _ => outcome.ToString().ToLowerInvariant(),
        };
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static string? Str(JsonElement a, string name)
        => a.ValueKind == JsonValueKind.Object && a.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Num(JsonElement a, string name)
        => a.ValueKind == JsonValueKind.Object && a.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;

    private static string? Span(JsonElement a, string name)
        => Str(a, name) is { } text && TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span) ? TimeFormat.Duration(span) : null;

    private static DateTimeOffset? Time(JsonElement a, string name)
        => a.ValueKind == JsonValueKind.Object && a.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var t) ? t : null;
}
