using System.Text.Json;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Decider;

/// <summary>
/// The workflow task message of a run: the events from its task's <c>events_from</c> to its <c>WorkflowTaskScheduled</c>,
/// stored ones first, then the decision's new ones; none past <see cref="TaskMessageLimits"/> (the worker then fetches the
/// history). Pure: the shell hands in the stored events it read.
/// </summary>
internal static class TaskMessages
{
    /// <summary>Whether the stored part of a task's slice must be read: some of its events were written before this decision.</summary>
    public static bool NeedsStoredSlice(WorkflowRunRecord run, WorkflowTaskRow task, long nextEventId) =>
        nextEventId - task.EventsFrom <= TaskMessageLimits.MaxEvents && run.NextEventId > task.EventsFrom;

    /// <summary>
    /// The task's message. <paramref name="stored"/>: the stored events from <c>events_from</c> to the run's next event id as
    /// read (bounded by bytes: a shorter list means the stored part alone passed the limit), or null when none were needed.
    /// </summary>
    public static WorkflowTaskMessage Build(WorkflowRunRecord run, WorkflowTaskRow task, IReadOnlyList<NewEvent> newEvents, IReadOnlyList<StoredEvent>? stored) =>
        new(run.RunId, run.WorkflowId, run.WorkflowType, run.TaskQueue, task.ScheduledEventId, task.Attempt, Slice(run, task, newEvents, stored) ?? [],
            run.TraceParent, AnswerWithin(task));

    /// <summary>How long the worker has for its answer from the send: the attempt's deadline minus the send (null when unknown).</summary>
    public static TimeSpan? AnswerWithin(WorkflowTaskRow task) =>
        task.DispatchedAt is { } sent && task.DispatchAfter > sent ? task.DispatchAfter - sent : null;

    private static List<HistoryEvent>? Slice(WorkflowRunRecord run, WorkflowTaskRow task, IReadOnlyList<NewEvent> newEvents, IReadOnlyList<StoredEvent>? stored)
    {
        var nextEventId = run.NextEventId + newEvents.Count;
        if (nextEventId - task.EventsFrom > TaskMessageLimits.MaxEvents)
        {
            return null;
        }
        var events = new List<HistoryEvent>();
        long bytes = 0;
        var storedCount = run.NextEventId - task.EventsFrom;
        if (storedCount > 0)
        {
            if (stored is null || stored.Count != storedCount)
            {
                return null; // the stored events alone pass the byte limit
            }
            foreach (var e in stored)
            {
                bytes += RunDecision.Bytes(e.AttributesJson);
                events.Add(ToHistoryEvent(e.EventId, e.EventType, e.Timestamp, e.AttributesJson));
            }
        }
        for (var i = 0; i < newEvents.Count; i++)
        {
            var id = run.NextEventId + i;
            if (id >= task.EventsFrom)
            {
                bytes += RunDecision.Bytes(newEvents[i].AttributesJson);
                if (bytes > TaskMessageLimits.MaxBytes)
                {
                    return null;
                }
                events.Add(ToHistoryEvent(id, newEvents[i].EventType, newEvents[i].Timestamp, newEvents[i].AttributesJson));
            }
        }
        return bytes > TaskMessageLimits.MaxBytes ? null : events;
    }

    /// <summary>Whether a tail read with the lock is exactly the stored slice a task needs (same start, every event).</summary>
    public static bool TailIsSlice(IReadOnlyList<StoredEvent>? tail, WorkflowRunRecord run, WorkflowTaskRow task) =>
        tail is { } t && t.Count == run.NextEventId - task.EventsFrom && (t.Count == 0 || t[0].EventId == task.EventsFrom);

    public static HistoryEvent ToHistoryEvent(long id, string type, DateTimeOffset timestamp, string attributesJson)
    {
        using var doc = JsonDocument.Parse(attributesJson);
        return new HistoryEvent(id, type, timestamp, doc.RootElement.Clone());
    }
}
