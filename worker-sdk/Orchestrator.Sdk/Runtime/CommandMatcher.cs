using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;

namespace Orchestrator.Sdk.Runtime;

/// <summary>Compares commands of replayed code with the command events history holds, and describes both for error messages.</summary>
internal static class CommandMatcher
{
    public const string PatchMarkerName = "patch";

    /// <summary>Whether events of this type are written for commands (they follow a <c>WorkflowTaskCompleted</c>).</summary>
    public static bool IsCommandEvent(string eventType) => EventVocabulary.IsCommandEvent(eventType);

    public static bool Matches(WorkflowCommand command, HistoryEvent e)
    {
        if (command.EventType != e.EventType)
        {
            return false;
        }
        return command switch
        {
            ScheduleActivityCommand c => RawAttributes.Int(e, "seq"u8) == c.Seq && RawAttributes.StrEquals(e, "activityName"u8, c.ActivityName),
            StartTimerCommand c => RawAttributes.Int(e, "seq"u8) == c.Seq,
            CancelTimerCommand c => RawAttributes.Int(e, "seq"u8) == c.Seq,
            RequestCancelActivityCommand c => RawAttributes.Int(e, "seq"u8) == c.Seq,
            StartChildWorkflowCommand c => RawAttributes.Int(e, "seq"u8) == c.Seq && RawAttributes.StrEquals(e, "workflowType"u8, c.WorkflowType),
            RecordMarkerCommand c => Str(e.Attributes, "markerName") == c.MarkerName && (c.MarkerName != PatchMarkerName || PatchId(e) == PatchId(c.Details))
                && RecordedMarkers.Matches(c, e),
            UpsertSearchAttributesCommand c => SameNames(e, c),
            CompleteUpdateCommand c => RawAttributes.StrEquals(e, "updateId"u8, c.UpdateId),
            SignalExternalWorkflowCommand c => RawAttributes.Int(e, "seq"u8) == c.Seq && RawAttributes.StrEquals(e, "workflowId"u8, c.WorkflowId)
                && RawAttributes.StrEquals(e, "signalName"u8, c.SignalName),
            RequestCancelExternalWorkflowCommand c => RawAttributes.Int(e, "seq"u8) == c.Seq && RawAttributes.StrEquals(e, "workflowId"u8, c.WorkflowId),
            _ => true,
        };
    }

    /// <summary>An upsert matches its event when it names the same attributes (values may be stored in another form, e.g. times in UTC).</summary>
    private static bool SameNames(HistoryEvent e, UpsertSearchAttributesCommand c) =>
        Json(e.Attributes, "searchAttributes") is { ValueKind: JsonValueKind.Object } recorded
        && recorded.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).SequenceEqual(c.SearchAttributes.Keys.Order(StringComparer.Ordinal));

    /// <summary>The patch id of a patch marker event, else null.</summary>
    public static string? PatchId(HistoryEvent e) =>
        e.EventType == EventTypes.MarkerRecorded && Str(e.Attributes, "markerName") == PatchMarkerName && e.Attributes.TryGetProperty("details", out var d)
            ? PatchId(d)
            : null;

    public static string? PatchId(JsonElement? details) =>
        details is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty("patchId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    public static string Describe(HistoryEvent e)
    {
        var a = e.Attributes;
        return e.EventType switch
        {
            EventTypes.ActivityScheduled => $"ActivityScheduled (seq {Int(a, "seq")}, activity '{Str(a, "activityName")}')",
            EventTypes.TimerStarted => $"TimerStarted (seq {Int(a, "seq")})",
            EventTypes.TimerCanceled => $"TimerCanceled (seq {Int(a, "seq")})",
            EventTypes.ActivityCancelRequested => $"ActivityCancelRequested (seq {Int(a, "seq")})",
            EventTypes.ChildWorkflowStarted => $"ChildWorkflowStarted (seq {Int(a, "seq")}, workflow type '{Str(a, "workflowType")}')",
            EventTypes.MarkerRecorded => $"MarkerRecorded ('{Str(a, "markerName")}'{(PatchId(e) is { } p ? $", patch '{p}'" : "")}{RecordedMarkers.Describe(Str(a, "markerName"), Json(a, "details"))})",
            EventTypes.SearchAttributesUpserted => $"SearchAttributesUpserted ({Names(a)})",
            EventTypes.ExternalSignalRequested => $"ExternalSignalRequested (seq {Int(a, "seq")}, signal '{Str(a, "signalName")}' to '{Str(a, "workflowId")}')",
            EventTypes.ExternalCancelRequested => $"ExternalCancelRequested (seq {Int(a, "seq")}, to '{Str(a, "workflowId")}')",
            EventTypes.WorkflowUpdateCompleted => $"WorkflowUpdateCompleted (update '{Str(a, "updateId")}'{(Json(a, "failure") is null ? "" : ", failed")})",
            _ => e.EventType,
        };
    }

    public static string Describe(WorkflowCommand command) => command switch
    {
        ScheduleActivityCommand c => $"ScheduleActivity (seq {c.Seq}, activity '{c.ActivityName}')",
        StartTimerCommand c => $"StartTimer (seq {c.Seq}, {c.Duration})",
        CancelTimerCommand c => $"CancelTimer (seq {c.Seq})",
        RequestCancelActivityCommand c => $"RequestCancelActivity (seq {c.Seq})",
        StartChildWorkflowCommand c => $"StartChildWorkflow (seq {c.Seq}, workflow type '{c.WorkflowType}')",
        RecordMarkerCommand c => $"RecordMarker ('{c.MarkerName}'{(PatchId(c.Details) is { } p ? $", patch '{p}'" : "")}{RecordedMarkers.Describe(c.MarkerName, c.Details)})",
        CompleteWorkflowCommand => "CompleteWorkflow",
        FailWorkflowCommand c => $"FailWorkflow ({c.Failure.Type}: {c.Failure.Message})",
        CancelWorkflowCommand => "CancelWorkflow",
        ContinueAsNewCommand => "ContinueAsNew",
        UpsertSearchAttributesCommand c => $"UpsertSearchAttributes ({string.Join(", ", c.SearchAttributes.Keys.Order(StringComparer.Ordinal))})",
        SignalExternalWorkflowCommand c => $"SignalExternalWorkflow (seq {c.Seq}, signal '{c.SignalName}' to '{c.WorkflowId}')",
        RequestCancelExternalWorkflowCommand c => $"RequestCancelExternalWorkflow (seq {c.Seq}, to '{c.WorkflowId}')",
        CompleteUpdateCommand c => $"CompleteUpdate (update '{c.UpdateId}'{(c.Failure is null ? "" : ", failed")})",
        _ => command.GetType().Name,
    };

    private static string Names(JsonElement a) =>
        Json(a, "searchAttributes") is { ValueKind: JsonValueKind.Object } o ? string.Join(", ", o.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)) : "";

    public static int? Int(JsonElement a, string name) =>
        a.ValueKind == JsonValueKind.Object && a.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    public static string? Str(JsonElement a, string name) =>
        a.ValueKind == JsonValueKind.Object && a.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static JsonElement? Json(JsonElement a, string name) =>
        a.ValueKind == JsonValueKind.Object && a.TryGetProperty(name, out var v) && v.ValueKind is not JsonValueKind.Null and not JsonValueKind.Undefined ? v : null;
}
