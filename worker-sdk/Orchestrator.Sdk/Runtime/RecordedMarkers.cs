using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// The command events a replayed workflow task produced (those right after its <c>WorkflowTaskCompleted</c>), read ahead
/// while its code runs again: a local activity takes its outcome, and a <c>SideEffect</c> its value, from the marker of
/// its seq there, as <c>Patched</c> looks for its marker. Indexed on first use (a task without local work costs nothing).
/// </summary>
internal sealed class RecordedMarkers
{
    private readonly IReadOnlyList<HistoryEvent> _events;
    private readonly int _start;
    private int _end = -1;
    private Dictionary<int, HistoryEvent>? _localActivities;
    private Dictionary<int, HistoryEvent>? _sideEffects;

    private RecordedMarkers(IReadOnlyList<HistoryEvent> events, int start)
    {
        _events = events;
        _start = start;
    }

    /// <summary>The command events from <paramref name="start"/> on (up to the first event that is not one).</summary>
    public static RecordedMarkers After(IReadOnlyList<HistoryEvent> events, int start) => new(events, start);

    /// <summary>The <c>localActivity</c> marker of <paramref name="seq"/> in this task, if any.</summary>
    public HistoryEvent? LocalActivity(int seq)
    {
        Index();
        return _localActivities?.GetValueOrDefault(seq);
    }

    /// <summary>The <c>sideEffect</c> marker of <paramref name="seq"/> in this task, if any.</summary>
    public HistoryEvent? SideEffect(int seq)
    {
        Index();
        return _sideEffects?.GetValueOrDefault(seq);
    }

    /// <summary>The command event at <paramref name="position"/> (0-based) among this task's, if there is one.</summary>
    public HistoryEvent? At(int position)
    {
        Index();
        return _start + position < _end ? _events[_start + position] : null;
    }

    /// <summary>A command event of this task with <paramref name="seq"/> (an activity, timer, child or request of that seq; a marker's in its details).</summary>
    public HistoryEvent? WithSeq(int seq)
    {
        Index();
        for (var j = _start; j < _end; j++)
        {
            var e = _events[j];
            if ((e.EventType == EventTypes.MarkerRecorded ? Seq(e) : RawAttributes.Int(e, "seq"u8)) == seq)
            {
                return e;
            }
        }
        return null;
    }

    /// <summary>Where this task's command events end (the id of the event after the last), for messages.</summary>
    public long EndEventId
    {
        get
        {
            Index();
            return _end > _start ? _events[_end - 1].EventId + 1 : _start < _events.Count ? _events[_start].EventId : 0;
        }
    }

    private void Index()
    {
        if (_end >= 0)
        {
            return;
        }
        var j = _start;
        for (; j < _events.Count && CommandMatcher.IsCommandEvent(_events[j].EventType); j++)
        {
            var e = _events[j];
            if (e.EventType != EventTypes.MarkerRecorded || Seq(e) is not { } seq)
            {
                continue;
            }
            switch (CommandMatcher.Str(e.Attributes, "markerName"))
            {
                case LocalActivityMarkerDetails.MarkerName:
                    (_localActivities ??= []).TryAdd(seq, e);
                    break;
                case SideEffectMarkerDetails.MarkerName:
                    (_sideEffects ??= []).TryAdd(seq, e);
                    break;
            }
        }
        _end = j;
    }

    // ---- the markers' fields, for matching and messages ----

    /// <summary>The seq of a local activity or side effect marker event (in its details), else null.</summary>
    public static int? Seq(HistoryEvent e) => CommandMatcher.Json(e.Attributes, "details") is { } d ? CommandMatcher.Int(d, "seq") : null;

    /// <summary>Whether a marker command of the local kinds matches the marker event by seq (and activity name); other markers: true.</summary>
    public static bool Matches(RecordMarkerCommand command, HistoryEvent e) => command.MarkerName switch
    {
        LocalActivityMarkerDetails.MarkerName => Seq(e) == Int(command.Details, "seq") && Str(Details(e), "activityName") == Str(command.Details, "activityName"),
        SideEffectMarkerDetails.MarkerName => Seq(e) == Int(command.Details, "seq"),
        _ => true,
    };

    /// <summary>What a marker's details say for a message: <c>, seq 3, activity 'Hash'</c>, <c>, seq 4</c>, or nothing.</summary>
    public static string Describe(string? markerName, JsonElement? details) => markerName switch
    {
        LocalActivityMarkerDetails.MarkerName => $", seq {Int(details, "seq")}, activity '{Str(details, "activityName")}'"
            + (CommandMatcher.Json(details ?? default, "backoff") is null ? "" : ", retried after a timer"),
        SideEffectMarkerDetails.MarkerName => $", seq {Int(details, "seq")}",
        _ => "",
    };

    public static JsonElement? Details(HistoryEvent e) => CommandMatcher.Json(e.Attributes, "details");

    private static int? Int(JsonElement? details, string name) => details is { } d ? CommandMatcher.Int(d, name) : null;

    private static string? Str(JsonElement? details, string name) => details is { } d ? CommandMatcher.Str(d, name) : null;
}
