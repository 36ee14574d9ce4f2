using System.Text.Json;
using Orchestrator.Contracts.History;

namespace Orchestrator.Dashboard.History;

/// <summary>A one-line summary of an event's attributes for the event table ("ChargeAsync · attempt 2").</summary>
internal static class EventSummary
{
    public static string Describe(HistoryEvent e)
    {
        var a = e.Attributes;
        if (a.ValueKind != JsonValueKind.Object)
        {
            return "";
        }
        return e.EventType switch
        {
            EventTypes.WorkflowStarted => Join(Str(a, "workflowType"), Prefixed("queue ", Str(a, "taskQueue")), Prefixed("input ", Json(a, "input"))),
            EventTypes.ActivityScheduled => Join(Str(a, "activityName"), Prefixed("seq ", Num(a, "seq"))),
            EventTypes.ActivityStarted => Join(Prefixed("scheduled #", Num(a, "scheduledEventId")), Prefixed("attempt ", Num(a, "attempt"))),
            EventTypes.ActivityCompleted => Join(Prefixed("scheduled #", Num(a, "scheduledEventId")), Prefixed("result ", Json(a, "result"))),
            EventTypes.ActivityFailed => Join(Prefixed("scheduled #", Num(a, "scheduledEventId")), Prefixed("attempt ", Num(a, "attempt")), Failure(a)),
            EventTypes.ActivityTimedOut => Join(Prefixed("scheduled #", Num(a, "scheduledEventId")), Str(a, "timeoutType")),
            EventTypes.ActivityCancelRequested => Join(Prefixed("seq ", Num(a, "seq")), Prefixed("scheduled #", Num(a, "scheduledEventId"))),
            EventTypes.ActivityCanceled => Join(Prefixed("scheduled #", Num(a, "scheduledEventId")), Str(a, "detail")),
            EventTypes.TimerStarted => Join(Prefixed("seq ", Num(a, "seq")), Span(a, "duration"), Prefixed("fires ", Time(a, "fireAt"))),
            EventTypes.TimerFired or EventTypes.TimerCanceled => Prefixed("seq ", Num(a, "seq")) ?? "",
            EventTypes.SignalReceived => Join(Str(a, "signalName"), Json(a, "input")),
            EventTypes.ChildWorkflowStarted => Join(Str(a, "workflowType"), Str(a, "workflowId")),
            EventTypes.ChildWorkflowCompleted => Join(Prefixed("seq ", Num(a, "seq")), Prefixed("result ", Json(a, "result"))),
            EventTypes.ChildWorkflowFailed or EventTypes.WorkflowFailed or EventTypes.WorkflowTaskFailed => Failure(a) ?? "",
            EventTypes.MarkerRecorded => Join(Str(a, "markerName"), Json(a, "details")),
            EventTypes.WorkflowCompleted => Prefixed("result ", Json(a, "result")) ?? "",
            EventTypes.WorkflowContinuedAsNew => Prefixed("input ", Json(a, "input")) ?? "",
            EventTypes.WorkflowCancelRequested or EventTypes.WorkflowTerminated => Str(a, "reason") ?? "",
            EventTypes.WorkflowTaskScheduled => Prefixed("attempt ", Num(a, "attempt")) ?? "",
            _ => "",
        };
    }

    private static string Join(params string?[] parts) => string.Join(" · ", parts.Where(p => !string.IsNullOrEmpty(p)));

    private static string? Prefixed(string prefix, string? value) => value is null ? null : prefix + value;

    private static string? Str(JsonElement a, string name)
        => a.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()) : null;

    private static string? Num(JsonElement a, string name)
        => a.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetRawText() : null;

    private static string? Span(JsonElement a, string name)
        => Str(a, name) is { } text && TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span) ? TimeFormat.Duration(span) : Str(a, name);

    private static string? Time(JsonElement a, string name)
        => a.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var t) ? TimeFormat.Absolute(t) : Str(a, name);

    private static string? Json(JsonElement a, string name)
        => a.TryGetProperty(name, out var v) ? JsonText.OneLine(v, 60) : null;

    private static string? Failure(JsonElement a)
        => a.TryGetProperty("failure", out var f) && f.ValueKind == JsonValueKind.Object
            ? Join(Str(f, "type"), Str(f, "message"))
            : null;
}
