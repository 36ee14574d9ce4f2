using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// <see cref="CommandValidator"/>'s rules for what local activities and side effects send: <see cref="ContinueInNewTaskCommand"/>
/// only as an answer's last command and never with a close, and the markers the SDK reads back on replay in their shape.
/// </summary>
internal static class LocalActivityRules
{
    /// <summary>Null when the <see cref="ContinueInNewTaskCommand"/> at <paramref name="index"/> may be applied, else the rule.</summary>
    public static string? CheckContinue(IReadOnlyList<WorkflowCommand?> commands, int index)
    {
        if (index != commands.Count - 1)
        {
            return $"ContinueInNewTask must be the last command of an answer (this answer has {commands.Count}).";
        }
        return commands.FirstOrDefault(c => c is not null && EventVocabulary.IsClosing(c)) is { } close
            ? $"ContinueInNewTask asks for another workflow task, but the answer closes the run ({close.GetType().Name[..^"Command".Length]})."
            : null;
    }

    /// <summary>Null when a marker is not one of the SDK's local kinds or has their shape, else the rule.</summary>
    public static string? CheckMarker(RecordMarkerCommand marker) => marker.MarkerName switch
    {
        LocalActivityMarkerDetails.MarkerName => Seq(marker.Details)
            ?? (Str(marker.Details, "activityName") is { Length: > 0 } ? null : "a localActivity marker needs 'details.activityName'.")
            ?? (Int(marker.Details, "attempts") is >= 1 ? null : "a localActivity marker needs 'details.attempts' (1 or more)."),
        SideEffectMarkerDetails.MarkerName => Seq(marker.Details),
        _ => null,
    };

    private static string? Seq(JsonElement? details) =>
        Int(details, "seq") is > 0 ? null : "a localActivity or sideEffect marker needs a positive 'details.seq'.";

    private static int? Int(JsonElement? details, string name) =>
        details is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static string? Str(JsonElement? details, string name) =>
        details is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
