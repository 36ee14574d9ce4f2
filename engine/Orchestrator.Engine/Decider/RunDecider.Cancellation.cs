using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Decider;

/// <summary>
/// Canceling one activity (<c>RequestCancelActivity</c>): <c>ActivityCancelRequested</c>, then <c>ActivityCanceled</c> once
/// the activity closes: at once when no attempt runs; else the running attempt's row turns <c>canceling</c>, its worker is
/// told at its next heartbeat, and the attempt's next answer (whatever it says: a late result is dropped), or its timeout,
/// closes it. A canceled activity is never retried.
/// </summary>
internal static partial class RunDecider
{
    /// <summary>What the commands of one workflow task answer did that the events taken with it depend on.</summary>
    private sealed class AnswerScope
    {
        /// <summary>Seqs of timers the answer canceled (a <c>TimerFired</c> of one waiting in the buffer is dropped).</summary>
        public HashSet<int> CanceledTimers { get; } = [];

        /// <summary>Workflow ids of children started by this answer so far.</summary>
        public HashSet<string> StartedChildren { get; } = new(StringComparer.Ordinal);

        /// <summary>Seqs of activities the answer canceled that had closed already (an outcome waiting in the buffer is dropped).</summary>
        public HashSet<int> CanceledClosedActivities { get; } = [];

        /// <summary><c>ActivityCanceled</c> events of activities the answer canceled between attempts (appended with the buffered events).</summary>
        public List<BufferedEvent> Canceled { get; } = [];
    }

    private static void RequestCancelActivity(RunDecision d, RequestCancelActivityCommand c, AnswerScope scope)
    {
        var row = d.Snapshot.CanceledActivities.FirstOrDefault(a => a.Seq == c.Seq);
        d.Append(EventTypes.ActivityCancelRequested, new ActivityCancelRequestedAttributes(c.Seq, row?.ScheduledEventId));
        switch (row?.State)
        {
            case null:
                scope.CanceledClosedActivities.Add(c.Seq); // it closed while the task was in flight (or long before: then nothing waits)
                break;
            case TaskState.Scheduled:
                d.DeleteActivity(row.ScheduledEventId);
                scope.Canceled.Add(new BufferedEvent(EventTypes.ActivityCanceled, Json(new ActivityCanceledAttributes(c.Seq, row.ScheduledEventId, 0,
                    $"Canceled while it waited to retry (attempt {row.Attempt - 1} failed): no attempt was running."))));
                break;
            case TaskState.Dispatched:
                d.UpdateActivity(row with { State = TaskState.Canceling });
                break;
            default:
                break; // canceling already (a second request)
        }
    }

    /// <summary>
    /// The events taken with an answer, without the outcomes of activities it canceled that closed while it was in flight
    /// (the code never saw them): each is replaced by an <c>ActivityCanceled</c>, so the code's cancel holds, as a canceled
    /// timer's fire is dropped. Then the answer's own <c>ActivityCanceled</c> events.
    /// </summary>
    private static List<BufferedEventRow> KeepBuffered(List<BufferedEventRow> buffered, AnswerScope scope)
    {
        var kept = new List<BufferedEventRow>(buffered.Count + scope.Canceled.Count);
        foreach (var e in buffered)
        {
            if (e.EventType == EventTypes.TimerFired && scope.CanceledTimers.Count > 0 && scope.CanceledTimers.Contains(Seq(e.AttributesJson)))
            {
                continue;
            }
            if (scope.CanceledClosedActivities.Count > 0 && IsActivityOutcome(e.EventType) && scope.CanceledClosedActivities.Contains(Seq(e.AttributesJson)))
            {
                if (e.EventType != EventTypes.ActivityStarted)
                {
                    var (seq, scheduledEventId, attempt) = ActivityIds(e.AttributesJson);
                    kept.Add(new BufferedEventRow(0, EventTypes.ActivityCanceled, Json(new ActivityCanceledAttributes(seq, scheduledEventId, attempt,
                        $"It closed ({e.EventType}) before the cancel request reached it; that outcome is dropped."))));
                }
                continue;
            }
            kept.Add(e);
        }
        kept.AddRange(scope.Canceled.Select(e => new BufferedEventRow(0, e.EventType, e.AttributesJson)));
        return kept;
    }

    private static bool IsActivityOutcome(string eventType) => eventType is EventTypes.ActivityStarted or EventTypes.ActivityCompleted
        or EventTypes.ActivityFailed or EventTypes.ActivityTimedOut;

    private static int Seq(string attributesJson) => ActivityIds(attributesJson).Seq;

    private static (int Seq, long ScheduledEventId, int Attempt) ActivityIds(string attributesJson)
    {
        using var doc = JsonDocument.Parse(attributesJson);
        var a = doc.RootElement;
        return (Int(a, "seq"), a.TryGetProperty("scheduledEventId", out var id) && id.TryGetInt64(out var v) ? v : 0, Int(a, "attempt"));

        static int Int(JsonElement a, string name) => a.TryGetProperty(name, out var p) && p.TryGetInt32(out var v) ? v : -1;
    }

    /// <summary>
    /// The answer of a canceling attempt, or its due time: the activity closes <c>ActivityCanceled</c> (true), whatever the
    /// answer says; false when the row is not canceling or the answer is not its attempt's.
    /// </summary>
    private static bool ClosedCanceling(RunDecision d, ActivityTaskRow? activity, int attempt, string detail)
    {
        if (activity is not { State: TaskState.Canceling } || activity.Attempt != attempt)
        {
            return false;
        }
        d.DeleteActivity(activity.ScheduledEventId);
        d.Deliver((EventTypes.ActivityCanceled, Json(new ActivityCanceledAttributes(activity.Seq, activity.ScheduledEventId, activity.Attempt, detail))));
        return true;
    }

    /// <summary>What a canceling attempt's failure says: the activity stopped on the request, or failed on its own.</summary>
    private static string CanceledFailureDetail(ActivityTaskFailedMessage answer) =>
        answer.Failure.Type == ActivityFailureTypes.Canceled
            ? "The activity acknowledged the cancel request."
            : $"It failed after the cancel request ({answer.Failure.Type}); that failure is dropped.";
}
