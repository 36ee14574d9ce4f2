using System.Text.Json;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Reset;

/// <summary>
/// The new run of a reset, from the old run's row and a <see cref="ResetPlan"/>, as data the shell writes (pure: the time
/// and the new run id come from the <see cref="DecisionContext"/>).
/// </summary>
/// <remarks>
/// The new run's history: the copied events (ids 1 up to the point, with their own timestamps), then the signals received
/// after the point (<c>SignalReceived</c>, same name and payload, in order), then a fresh <c>WorkflowTaskScheduled</c>
/// (attempt 1), these stamped with the reset's time. Its row: the old run's type, task queue, input, retry policy, attempt
/// and previous run (what its copied <c>WorkflowStarted</c> says), no parent (a child's run is not reset), the search
/// attributes at the point, a cancel request if one came before the point, a run timeout counted from now. Its first
/// workflow task is sent as a new run's (all its events, unless past <see cref="TaskMessageLimits"/>: then the worker
/// fetches them). Activities open at the point get their row again as attempt 1, scheduled now and due now (the sweeper
/// sends them: a fresh attempt, with its full ScheduleToClose budget); timers open at the point get theirs, at their own
/// fire time (one already past fires at once).
/// </remarks>
internal static class ResetRun
{
    /// <summary>The new run (row, events, task, run timeout, first task message) and its other rows (activities, timers).</summary>
    public static (NewRun Run, RunEffects Rows) Build(WorkflowRunRecord old, ResetPlan plan, DecisionContext context)
    {
        var now = context.Now;
        var at = new DateTimeOffset(now, TimeSpan.Zero);
        var run = new WorkflowRunRecord
        {
            RunId = context.NewRunId(), WorkflowId = old.WorkflowId, WorkflowType = old.WorkflowType, TaskQueue = old.TaskQueue,
            Status = RunStatus.Running, StartedAt = now, Input = old.Input, PreviousRunId = old.PreviousRunId, TraceParent = TraceParents.New(),
            RunTimeout = old.RunTimeout, RetryPolicy = old.RetryPolicy, Attempt = old.Attempt, SearchAttributes = plan.SearchAttributes,
            ResetFromRunId = old.RunId,
        };
        List<NewEvent> events = [.. plan.Copied.Select(e => new NewEvent(e.EventType, e.AttributesJson, e.Timestamp))];
        events.AddRange(plan.Signals.Select(s => new NewEvent(EventTypes.SignalReceived, s.AttributesJson, at)));
        events.Add(new NewEvent(EventTypes.WorkflowTaskScheduled, RunDecision.Json(new WorkflowTaskScheduledAttributes(1)), at));
        var task = new WorkflowTaskRow
        {
            RunId = run.RunId, ScheduledEventId = events.Count, Attempt = 1, TaskQueue = run.TaskQueue, EventsFrom = 1, State = TaskState.Dispatched,
            DispatchAfter = now + context.Settings.WorkflowTaskTimeout, DispatchedAt = now,
        };
        var timeout = run.RunTimeout is { } limit
            ? new TimerRow(run.RunId, RunDecider.RunTimeoutTimerKey, now + limit, RunDecision.Json(new { kind = RunDecider.RunTimeoutTimerKey }))
            : null;
        var carried = events.Count > TaskMessageLimits.MaxEvents || events.Sum(e => RunDecision.Bytes(e.AttributesJson)) > TaskMessageLimits.MaxBytes
            ? []
            : events.Select((e, i) => TaskMessages.ToHistoryEvent(i + 1, e.EventType, e.Timestamp, e.AttributesJson)).ToList();
        var message = new WorkflowTaskMessage(run.RunId, run.WorkflowId, run.WorkflowType, run.TaskQueue, task.ScheduledEventId, 1, carried, run.TraceParent,
            context.Settings.WorkflowTaskTimeout);
        var rows = new RunEffects(run.RunId, events.Count + 1);
        rows.InsertActivities.AddRange(plan.Activities.Select(a => new ActivityTaskRow
        {
            RunId = run.RunId, ScheduledEventId = a.ScheduledEventId, Seq = a.Attributes.Seq, ActivityName = a.Attributes.ActivityName,
            TaskQueue = a.Attributes.TaskQueue ?? run.TaskQueue, Input = a.Attributes.Input.ValueKind == JsonValueKind.Undefined ? null : a.Attributes.Input.GetRawText(),
            Options = a.OptionsJson, Attempt = 1, State = TaskState.Scheduled, ScheduledAt = now, DispatchAfter = now,
        }));
        rows.InsertTimers.AddRange(plan.Timers.Select(t => new TimerRow(run.RunId, RunDecider.TimerKey(t.Seq), t.FireAt,
            RunDecision.Json(new RunDecider.TimerPayload(t.Seq, t.StartedEventId)))));
        return (new NewRun(run, events, task, timeout, message, CancelRequested: plan.CancelRequested), rows);
    }
}
