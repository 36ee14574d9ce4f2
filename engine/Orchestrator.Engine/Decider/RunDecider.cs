using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Decider;

/// <summary>
/// The engine's state machine: what a trigger does to a run. A pure function from (snapshot, trigger, context) to
/// <see cref="RunEffects"/>: no I/O, no clock, no DI. Every answer carries its token (run, scheduled event id, attempt);
/// one that does not match the open task is stale or a duplicate and decides nothing (a <see cref="DecisionNoteKind.Stale"/> note).
/// </summary>
internal static partial class RunDecider
{
    /// <summary>The timer key of a run's run timeout (workflow timers are <c>t{seq}</c>).</summary>
    public const string RunTimeoutTimerKey = "run-timeout";

    /// <summary>
    /// How many failed attempts of one activity history records as <c>ActivityAttemptFailed</c>. Later ones are only counted
    /// on the activity's row (its attempt and last failure, shown by describe's pending activity, as Temporal keeps only the
    /// last failure): an activity retried without end keeps a bounded history, and each retry costs the same.
    /// </summary>
    public const int MaxRecordedAttemptFailures = 10;

    private static string Json<T>(T value) => RunDecision.Json(value);

    /// <summary>Decides what <paramref name="trigger"/> does to the run of <paramref name="snapshot"/>.</summary>
    public static RunEffects Decide(RunSnapshot snapshot, RunTrigger trigger, DecisionContext context)
    {
        var d = new RunDecision(snapshot, context);
        switch (trigger)
        {
            case SignalTrigger t:
                d.Deliver((EventTypes.SignalReceived, Json(new SignalReceivedAttributes(t.SignalName, t.Payload))));
                break;
            case UpdateAcceptedTrigger t:
                d.Deliver((EventTypes.WorkflowUpdateAccepted, Json(new WorkflowUpdateAcceptedAttributes(t.UpdateId, t.UpdateName, t.Input))));
                break;
            case CancelRequestTrigger t:
                RequestCancel(d, t.Reason);
                break;
            case TerminateTrigger t:
                Terminate(d, t.Reason);
                break;
            case WorkflowTaskCompletedTrigger t:
                WorkflowTaskCompleted(d, t.Answer);
                break;
            case WorkflowTaskFailedTrigger t:
                WorkflowTaskFailed(d, t.Answer);
                break;
            case ActivityCompletedTrigger t:
                ActivityCompleted(d, t.Answer);
                break;
            case ActivityFailedTrigger t:
                ActivityFailed(d, t.Answer);
                break;
            case WorkflowTaskDueTrigger:
                WorkflowTaskDue(d);
                break;
            case ActivityDueTrigger t:
                ActivityDue(d, t.ScheduledEventId);
                break;
            case TimersDueTrigger:
                TimersDue(d);
                break;
            case ChildClosedTrigger t:
                ChildClosed(d, t.ChildRunId);
                break;
            case ParentClosedTrigger t:
                ParentClosed(d, t);
                break;
            case ExternalRequestDoneTrigger t:
                ExternalRequestDone(d, t);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(trigger), trigger.GetType().Name, "Unknown trigger.");
        }
        return d.Finish();
    }

    // ---- clients ----

    /// <summary>
    /// A new run as a client starts it: its row, WorkflowStarted, its first workflow task, its run-timeout timer; with
    /// <paramref name="initialSignal"/> (signal-with-start) a <c>SignalReceived</c> between WorkflowStarted and the first
    /// WorkflowTaskScheduled, so the first workflow task sees it, as a continue-as-new run sees the signals carried over.
    /// </summary>
    public static NewRun Start(StartWorkflowRequest request, DecisionContext context, SignalTrigger? initialSignal = null)
    {
        var run = new WorkflowRunRecord
        {
            RunId = context.NewRunId(), WorkflowId = request.WorkflowId ?? Guid.NewGuid().ToString(), WorkflowType = request.WorkflowType,
            TaskQueue = request.TaskQueue ?? "default", Status = RunStatus.Running, StartedAt = context.Now,
            Input = request.Input is { } input ? input.GetRawText() : null, TraceParent = TraceParents.New(),
            RunTimeout = request.RunTimeout, RetryPolicy = request.RetryPolicy is { } policy ? Json(policy) : null,
            SearchAttributes = request.SearchAttributes,
        };
        return NewRun(run, new WorkflowStartedAttributes(run.WorkflowType, run.TaskQueue, request.Input, context.NewRandomSeed(),
            ScheduleId: request.ScheduleId, ScheduledTime: request.ScheduledTime is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : null,
            SearchAttributes: StartedSearchAttributes(run.SearchAttributes)),
            initialSignal is null ? null : [(EventTypes.SignalReceived, Json(new SignalReceivedAttributes(initialSignal.SignalName, initialSignal.Payload)))],
            null, context);
    }

    /// <summary>A run's stored search attributes as its <c>WorkflowStarted</c> carries them (left out when none).</summary>
    private static IReadOnlyDictionary<string, JsonElement>? StartedSearchAttributes(string? stored) =>
        stored is null ? null : Visibility.SearchAttributeRules.Read(stored);

    /// <summary>
    /// Sets and removes search attributes (checked by <see cref="CommandValidator"/> with the answer): the event records the
    /// values as stored, and the run's row gets the whole in this transaction.
    /// </summary>
    private static void UpsertSearchAttributes(RunDecision d, UpsertSearchAttributesCommand command)
    {
        if (Visibility.SearchAttributeRules.Merge(command.SearchAttributes, d.Context.SearchAttributeTypes, d.SearchAttributes, allowRemove: true,
                out var merged, out var applied) is { } error)
        {
            throw new InvalidOperationException($"An upsert the validator let through is invalid: {error}"); // CommandValidator checked it
        }
        var values = applied.ToDictionary(a => a.Key, a => a.Value is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(a.Value), StringComparer.Ordinal);
        d.Append(EventTypes.SearchAttributesUpserted, new SearchAttributesUpsertedAttributes(values));
        d.Effects.SearchAttributes = new SearchAttributesChange(merged);
    }

    /// <summary>
    /// A run created by a decision: WorkflowStarted, the <paramref name="initialEvents"/> (signals carried over), its first
    /// WorkflowTaskScheduled, its task row, its run timeout timer and the first task's message (unless it waits for
    /// <paramref name="firstTaskDelay"/>, a workflow retry's back-off: the sweeper sends it then).
    /// </summary>
    public static NewRun NewRun(WorkflowRunRecord next, WorkflowStartedAttributes started, IReadOnlyList<(string Type, string Json)>? initialEvents,
        TimeSpan? firstTaskDelay, DecisionContext context)
    {
        var now = context.Now;
        var at = new DateTimeOffset(now, TimeSpan.Zero);
        List<NewEvent> first = [new(EventTypes.WorkflowStarted, Json(started), at)];
        first.AddRange((initialEvents ?? []).Select(e => new NewEvent(e.Type, e.Json, at)));
        first.Add(new(EventTypes.WorkflowTaskScheduled, Json(new WorkflowTaskScheduledAttributes(1)), at));
        var task = new WorkflowTaskRow
        {
            RunId = next.RunId, ScheduledEventId = first.Count, Attempt = 1, TaskQueue = next.TaskQueue, EventsFrom = 1,
            State = firstTaskDelay is null ? TaskState.Dispatched : TaskState.Scheduled,
            DispatchAfter = now + (firstTaskDelay ?? context.Settings.WorkflowTaskTimeout), DispatchedAt = firstTaskDelay is null ? now : null,
        };
        // the run timeout, or a child's execution deadline when that comes first
        DateTime? endsAt = next.RunTimeout is { } limit ? now + limit : null;
        if (next.ExecutionDeadline is { } deadline && (endsAt is null || deadline < endsAt))
        {
            endsAt = deadline;
        }
        var timer = endsAt is { } fireAt ? new TimerRow(next.RunId, RunTimeoutTimerKey, fireAt, Json(new { kind = RunTimeoutTimerKey })) : null;
        WorkflowTaskMessage? message = null;
        if (firstTaskDelay is null)
        {
            // signals carried over may be many and large: past the limits the first task carries no events (the worker fetches them)
            var events = first.Count > TaskMessageLimits.MaxEvents || first.Sum(e => RunDecision.Bytes(e.AttributesJson)) > TaskMessageLimits.MaxBytes
                ? []
                : first.Select((e, i) => TaskMessages.ToHistoryEvent(i + 1, e.EventType, e.Timestamp, e.AttributesJson)).ToList();
            message = new WorkflowTaskMessage(next.RunId, next.WorkflowId, next.WorkflowType, next.TaskQueue, first.Count, 1, events, next.TraceParent,
                context.Settings.WorkflowTaskTimeout);
        }
        return new NewRun(next, first, task, timer, message);
    }

    private static void RequestCancel(RunDecision d, string? reason)
    {
        if (!d.IsOpen || d.Run.CancelRequested)
        {
            return;
        }
        d.Effects.SetCancelRequested = true;
        d.Deliver((EventTypes.WorkflowCancelRequested, Json(new WorkflowCancelRequestedAttributes(reason))));
    }

    private static void Terminate(RunDecision d, string? reason)
    {
        if (!d.IsOpen)
        {
            return;
        }
        d.AppendBuffered();   // what was accepted while a workflow task was in flight stays in history
        d.Append(EventTypes.WorkflowTerminated, new WorkflowTerminatedAttributes(reason));
        d.Close(RunStatus.Terminated, null, Json(new FailureInfo("Terminated", reason ?? "terminated")));
    }

    // ---- workflow tasks ----

    private static void WorkflowTaskCompleted(RunDecision d, WorkflowTaskCompletedMessage answer)
    {
        if (!d.IsOpen || d.Task is not { State: TaskState.Dispatched } task || task.ScheduledEventId != answer.ScheduledEventId)
        {
            Stale(d, "workflow task", answer.ScheduledEventId, answer.Attempt);
            return;
        }
        d.Effects.BufferedConsumed = true; // taken with the lock: what is not appended is buffered again below
        ApplyAnswer(d, task, answer.Commands, d.Snapshot.Buffered);
    }

    /// <summary>
    /// Applies a workflow task's commands (the task's <c>WorkflowTaskStarted</c>, <c>WorkflowTaskCompleted</c>, then one
    /// change per command), with the events buffered while it was in flight.
    /// </summary>
    /// <param name="continuationId">The applied continuation's id, recorded in <c>WorkflowTaskStarted</c> (null for a usual answer).</param>
    private static void ApplyAnswer(RunDecision d, WorkflowTaskRow task, IReadOnlyList<WorkflowCommand> commands, IReadOnlyList<BufferedEventRow> allBuffered,
        Guid? continuationId = null)
    {
        if (CommandValidator.Check(commands, d.Context.SearchAttributeTypes, d.SearchAttributes) is { } invalid)
        {
            FailInvalidAnswer(d, task, invalid, allBuffered);
            return;
        }
        var closes = commands.Any(EventVocabulary.IsClosing);
        // Informational events (attempt failures) go before the answer's WorkflowTaskStarted; they need no task of their own.
        foreach (var e in allBuffered.Where(e => EventVocabulary.IsInformational(e.EventType)))
        {
            d.Append(e);
        }
        var buffered = allBuffered.Where(e => !EventVocabulary.IsInformational(e.EventType)).ToList();
        if (closes && buffered.Count > 0)
        {
            // Closing while new events wait would lose them: fail the task so the code sees them first.
            var failure = new FailureInfo("UnhandledEvents", "New events arrived while the workflow task was closing the run; it runs again with them.");
            d.Append(EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(task.ScheduledEventId));
            d.Append(EventTypes.WorkflowTaskFailed, new WorkflowTaskFailedAttributes(task.ScheduledEventId, failure));
            foreach (var e in buffered)
            {
                d.Append(e);
            }
            d.SetTaskIdle(task.ScheduledEventId);
            d.ScheduleWorkflowTask(attempt: 1, delay: null, Json(failure));
            return;
        }

        d.Append(EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(task.ScheduledEventId, continuationId));
        d.Append(EventTypes.WorkflowTaskCompleted, new WorkflowTaskCompletedAttributes(task.ScheduledEventId));
        d.SetTaskIdle(task.ScheduledEventId);
        var scope = new AnswerScope();
        foreach (var command in commands)
        {
            Apply(d, command, scope);
            if (!d.IsOpen)
            {
                break;
            }
        }
        if (d.IsOpen)
        {
            // A timer the code canceled whose TimerFired waits here (it fired while this task was in flight) did not fire for
            // the code, which never saw it: its fire is dropped, so history does not show a timer that fired after its cancel.
            // Likewise the outcome of an activity the code canceled (KeepBuffered).
            var kept = KeepBuffered(buffered, scope);
            foreach (var e in kept)
            {
                d.Append(e);
            }
            if (kept.Count > 0 || ContinuesInNewTask(d, commands))
            {
                d.ScheduleWorkflowTask(attempt: 1, delay: null, lastFailure: null);
            }
        }
    }

    /// <summary>
    /// The answer's commands break a rule (<see cref="CommandValidator"/>): none is applied, the task fails visibly
    /// (<c>WorkflowTaskFailed</c>, type <c>InvalidCommand</c>) and is retried with back-off like any failed workflow task; the
    /// events taken with it are recorded after the failure (or, for a retry that failed again, buffered again for the next).
    /// </summary>
    private static void FailInvalidAnswer(RunDecision d, WorkflowTaskRow task, string invalid, IReadOnlyList<BufferedEventRow> buffered)
    {
        d.Effects.Notes.Add(new DecisionNote(DecisionNoteKind.InvalidCommand, task.ScheduledEventId, task.Attempt) { Text = invalid });
        var failure = new FailureInfo(CommandValidator.InvalidCommandType, invalid);
        if (task is { LastFailure: not null, Attempt: > 1 })
        {
            d.Effects.Buffer.AddRange(buffered.Select(e => new BufferedEvent(e.EventType, e.AttributesJson, e.OccurredAt)));
            d.RetryWorkflowTaskLater(task.Attempt + 1, RetryDelay(d, task.Attempt), Json(failure));
            return;
        }
        d.Append(EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(task.ScheduledEventId));
        d.Append(EventTypes.WorkflowTaskFailed, new WorkflowTaskFailedAttributes(task.ScheduledEventId, failure));
        foreach (var e in buffered)
        {
            d.Append(e);
        }
        d.SetTaskIdle(task.ScheduledEventId);
        d.ScheduleWorkflowTask(task.Attempt + 1, RetryDelay(d, task.Attempt), Json(failure));
    }

    private static void WorkflowTaskFailed(RunDecision d, WorkflowTaskFailedMessage answer)
    {
        // only the attempt in flight may fail the task: a late failure of an older attempt (a re-send overtook it) must not
        // replace the newer attempt, which may yet complete
        if (!d.IsOpen || d.Task is not { State: TaskState.Dispatched } task || task.ScheduledEventId != answer.ScheduledEventId
            || task.Attempt != answer.Attempt)
        {
            Stale(d, "workflow task failure", answer.ScheduledEventId, answer.Attempt);
            return;
        }
        d.Effects.Notes.Add(new DecisionNote(DecisionNoteKind.WorkflowTaskFailed, task.ScheduledEventId, task.Attempt)
        {
            Text = answer.Failure.Type, Detail = answer.Failure.Message,
        });
        if (task is { LastFailure: not null, Attempt: > 1 })
        {
            // a retry of a failed task failed again: history already holds the first failure
            d.RetryWorkflowTaskLater(task.Attempt + 1, RetryDelay(d, task.Attempt), Json(answer.Failure));
            return;
        }
        d.Append(EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(task.ScheduledEventId));
        d.Append(EventTypes.WorkflowTaskFailed, new WorkflowTaskFailedAttributes(task.ScheduledEventId, answer.Failure));
        d.AppendBuffered();
        d.SetTaskIdle(task.ScheduledEventId);
        d.ScheduleWorkflowTask(task.Attempt + 1, RetryDelay(d, task.Attempt), Json(answer.Failure));
    }

    /// <summary>
    /// A workflow task that is due: a retry after back-off, one whose answer did not come in time (a new attempt, with a
    /// doubled timeout), or one whose message the broker never confirmed (the same attempt again).
    /// </summary>
    private static void WorkflowTaskDue(RunDecision d)
    {
        if (!d.IsOpen || d.Task is not { State: not TaskState.Idle } task)
        {
            return;
        }
        if (task.DispatchAfter <= d.Now)
        {
            if (task.State == TaskState.Dispatched)
            {
                d.Effects.Notes.Add(new DecisionNote(DecisionNoteKind.WorkflowTaskOverdue, task.ScheduledEventId, task.Attempt) { Sent = task.Sent });
                d.RedispatchWorkflowTask(task.Attempt + 1, task.Timeouts + 1);
            }
            else
            {
                d.RedispatchWorkflowTask(task.Attempt, timeouts: 0);
            }
        }
        else if (task is { State: TaskState.Dispatched, Sent: false, DispatchedAt: { } handedOver } && handedOver + d.Settings.ResendUnsentWorkflowTaskAfter <= d.Now)
        {
            d.Effects.Notes.Add(new DecisionNote(DecisionNoteKind.WorkflowTaskUnsent, task.ScheduledEventId, task.Attempt));
            d.ResendUnsentWorkflowTask();
        }
    }

    private static TimeSpan RetryDelay(RunDecision d, int failedAttempt) =>
        TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(failedAttempt - 1, 16)), d.Settings.MaxWorkflowTaskRetryDelay.TotalSeconds));

    // ---- commands ----

    internal static string TimerKey(int seq) => $"t{seq}";

    internal sealed record TimerPayload(int Seq, long StartedEventId);

    /// <param name="d">The decision.</param>
    /// <param name="command">The command.</param>
    /// <param name="scope">What the answer's commands did so far that the events taken with it depend on.</param>
    private static void Apply(RunDecision d, WorkflowCommand command, AnswerScope scope)
    {
        switch (command)
        {
            case ScheduleActivityCommand c:
            {
                var attributes = new ActivityScheduledAttributes(c.Seq, c.ActivityName, c.Input, c.TaskQueue, c.StartToCloseTimeout,
                    c.ScheduleToCloseTimeout, c.ScheduleToStartTimeout, c.HeartbeatTimeout, c.RetryPolicy);
                var optionsJson = Json(attributes);
                var id = d.AppendRaw(EventTypes.ActivityScheduled, optionsJson);
                var row = new ActivityTaskRow
                {
                    RunId = d.Run.RunId, ScheduledEventId = id, Seq = c.Seq, ActivityName = c.ActivityName,
                    TaskQueue = c.TaskQueue ?? d.Run.TaskQueue, Input = c.Input.GetRawText(), Options = optionsJson, Attempt = 1,
                    State = TaskState.Dispatched, ScheduledAt = d.Now, DispatchAfter = d.Now,
                };
                d.InsertActivity(SendActivity(d, row, attributes, c.Input, withTail: true));
                break;
            }
            case StartTimerCommand c:
            {
                var fireAt = d.Now + c.Duration;
                var id = d.Append(EventTypes.TimerStarted, new TimerStartedAttributes(c.Seq, c.Duration, new DateTimeOffset(fireAt, TimeSpan.Zero)));
                d.AddTimer(TimerKey(c.Seq), fireAt, Json(new TimerPayload(c.Seq, id)));
                break;
            }
            case CancelTimerCommand c:
                d.DeleteTimer(TimerKey(c.Seq));
                scope.CanceledTimers.Add(c.Seq);
                d.Append(EventTypes.TimerCanceled, new TimerCanceledAttributes(c.Seq));
                break;
            case RecordMarkerCommand c:
                d.Append(EventTypes.MarkerRecorded, new MarkerRecordedAttributes(c.MarkerName, c.Details));
                break;
            case CompleteWorkflowCommand c:
                d.Append(EventTypes.WorkflowCompleted, new WorkflowCompletedAttributes(c.Result));
                d.Close(RunStatus.Completed, c.Result?.GetRawText(), null);
                break;
            case FailWorkflowCommand c:
                d.Append(EventTypes.WorkflowFailed, new WorkflowFailedAttributes(c.Failure));
                if (WorkflowRetryDelay(d.Run, c.Failure, d.Context) is { } delay)
                {
                    RetryRun(d, c.Failure, delay);
                }
                else
                {
                    d.Close(RunStatus.Failed, null, Json(c.Failure));
                }
                break;
            case CancelWorkflowCommand:
                d.Append(EventTypes.WorkflowCanceled, new WorkflowCanceledAttributes());
                d.Close(RunStatus.Canceled, null, Json(new FailureInfo("Canceled", "The workflow was canceled.")));
                break;
            case ContinueAsNewCommand c:
                ContinueAsNew(d, c);
                break;
            case StartChildWorkflowCommand c:
                StartChild(d, c, scope.StartedChildren);
                break;
            case UpsertSearchAttributesCommand c:
                UpsertSearchAttributes(d, c);
                break;
            case CompleteUpdateCommand c:
                d.Append(EventTypes.WorkflowUpdateCompleted, new WorkflowUpdateCompletedAttributes(c.UpdateId, c.Result, c.Failure));
                d.Effects.CompletedUpdates.Add(new UpdateOutcome(c.UpdateId, c.Failure is null ? "Completed" : "Failed",
                    c.Failure is null ? c.Result?.GetRawText() ?? "null" : null, c.Failure is null ? null : Json(c.Failure), d.Now));
                break;
            case SignalExternalWorkflowCommand c:
                SignalExternal(d, c);
                break;
            case RequestCancelExternalWorkflowCommand c:
                CancelExternal(d, c);
                break;
            case RequestCancelActivityCommand c:
                RequestCancelActivity(d, c, scope);
                break;
            case ContinueInNewTaskCommand:
                break; // its event is the next WorkflowTaskScheduled, which ApplyAnswer appends after the events taken with the answer
            default:
                throw new InvalidOperationException($"Unknown command {command.GetType().Name}.");
        }
    }

    /// <summary>
    /// Closes the run as ContinuedAsNew and creates the next run, linked both ways. The next run keeps the parent links and
    /// run timeout, and starts with the signals the code left unconsumed (from the command).
    /// </summary>
    private static void ContinueAsNew(RunDecision d, ContinueAsNewCommand command)
    {
        var run = d.Run;
        var next = new WorkflowRunRecord
        {
            RunId = d.Context.NewRunId(), WorkflowId = run.WorkflowId, WorkflowType = run.WorkflowType,
            TaskQueue = run.TaskQueue, Status = RunStatus.Running, StartedAt = d.Now, Input = command.Input?.GetRawText(),
            PreviousRunId = run.RunId, TraceParent = run.TraceParent, ParentWorkflowId = run.ParentWorkflowId, ParentRunId = run.ParentRunId,
            ParentSeq = run.ParentSeq, ParentClosePolicy = run.ParentClosePolicy, RunTimeout = run.RunTimeout, ExecutionDeadline = run.ExecutionDeadline,
            SearchAttributes = d.SearchAttributes,
        };
        d.Append(EventTypes.WorkflowContinuedAsNew, new WorkflowContinuedAsNewAttributes(command.Input));
        d.Close(RunStatus.ContinuedAsNew, null, null, next.RunId);
        var signals = (command.Signals ?? []).Select(s => (EventTypes.SignalReceived, Json(s))).ToList();
        // A cancel request is the workflow's, not one run's: a run that continued as new after it (its code issued the command
        // before it saw the request, as when the request arrived with the task that continued) hands it on, as it hands on
        // unhandled signals. It reaches the next run as a request arriving during its first workflow task (buffered for that
        // task's answer), so the code sees it while it waits, as any cancel request.
        IReadOnlyList<BufferedEvent>? handedOn = run.CancelRequested
            ? [new BufferedEvent(EventTypes.WorkflowCancelRequested, Json(new WorkflowCancelRequestedAttributes($"Requested of run {run.RunId}, which continued as new after the request.")))]
            : null;
        d.StartRun(next, new WorkflowStartedAttributes(next.WorkflowType, next.TaskQueue, command.Input, d.Context.NewRandomSeed(),
            run.ParentWorkflowId, run.ParentRunId?.ToString(), PreviousRunId: run.RunId.ToString(), SearchAttributes: StartedSearchAttributes(next.SearchAttributes)), signals,
            cancelRequested: run.CancelRequested, buffered: handedOn);
    }

    /// <summary>The back-off before retrying a failed run, or null when it has no retry policy or the policy says no.</summary>
    private static TimeSpan? WorkflowRetryDelay(WorkflowRunRecord run, FailureInfo failure, DecisionContext context) =>
        run.RetryPolicy is { } json && JsonSerializer.Deserialize<RetryPolicyInfo>(json, HistoryJson.Options) is { } policy
            ? RetryMath.NextDelay(policy, run.Attempt, failure.Type, context.NextJitter)
            : null;

    /// <summary>
    /// Workflow-level retry: the run closes Failed (with its failure) and the next attempt starts with the same input, linked
    /// as by continue-as-new; its first workflow task is sent when the back-off ends. A parent hears only of the last attempt.
    /// </summary>
    private static void RetryRun(RunDecision d, FailureInfo failure, TimeSpan delay)
    {
        var run = d.Run;
        var next = new WorkflowRunRecord
        {
            RunId = d.Context.NewRunId(), WorkflowId = run.WorkflowId, WorkflowType = run.WorkflowType, TaskQueue = run.TaskQueue,
            Status = RunStatus.Running, StartedAt = d.Now, Input = run.Input, PreviousRunId = run.RunId, TraceParent = run.TraceParent,
            ParentWorkflowId = run.ParentWorkflowId, ParentRunId = run.ParentRunId, ParentSeq = run.ParentSeq,
            ParentClosePolicy = run.ParentClosePolicy, RunTimeout = run.RunTimeout, ExecutionDeadline = run.ExecutionDeadline, RetryPolicy = run.RetryPolicy,
            Attempt = run.Attempt + 1,
            SearchAttributes = d.SearchAttributes,
        };
        d.Close(RunStatus.Failed, null, Json(failure), next.RunId);
        if (run.ParentRunId is not null)
        {
            d.Effects.MarkParentNotified.Add(run.RunId);
        }
        JsonElement? input = run.Input is { } text ? JsonDocument.Parse(text).RootElement.Clone() : null;
        d.StartRun(next, new WorkflowStartedAttributes(next.WorkflowType, next.TaskQueue, input, d.Context.NewRandomSeed(),
            run.ParentWorkflowId, run.ParentRunId?.ToString(), PreviousRunId: run.RunId.ToString(), Attempt: next.Attempt,
            SearchAttributes: StartedSearchAttributes(next.SearchAttributes)), firstTaskDelay: delay);
    }

    /// <summary>
    /// Starts a child run (<c>ChildWorkflowStarted</c> in the parent, parent links in the child). A child id with an open run
    /// fails the child at once (<c>ChildWorkflowFailed</c>, type <c>WorkflowAlreadyStarted</c>).
    /// </summary>
    private static void StartChild(RunDecision d, StartChildWorkflowCommand command, HashSet<string> startedChildren)
    {
        var parent = d.Run;
        if (d.Snapshot.OpenWorkflowIds.Contains(command.WorkflowId) || command.WorkflowId == parent.WorkflowId || !startedChildren.Add(command.WorkflowId))
        {
            d.Append(EventTypes.ChildWorkflowStarted, new ChildWorkflowStartedAttributes(command.Seq, command.WorkflowType, command.WorkflowId, ""));
            d.Deliver((EventTypes.ChildWorkflowFailed, Json(new ChildWorkflowFailedAttributes(command.Seq,
                new FailureInfo("WorkflowAlreadyStarted", $"A run of workflow '{command.WorkflowId}' is already open.")))));
            return;
        }
        if (ReuseRefused(command, d.Snapshot.LatestRunStatuses) is { } refused)
        {
            d.Append(EventTypes.ChildWorkflowStarted, new ChildWorkflowStartedAttributes(command.Seq, command.WorkflowType, command.WorkflowId, ""));
            d.Deliver((EventTypes.ChildWorkflowFailed, Json(new ChildWorkflowFailedAttributes(command.Seq, new FailureInfo("WorkflowAlreadyStarted", refused)))));
            return;
        }
        var policy = command.ParentClosePolicy is "RequestCancel" or "Abandon" ? command.ParentClosePolicy : "Terminate";
        var child = new WorkflowRunRecord
        {
            RunId = d.Context.NewRunId(), WorkflowId = command.WorkflowId, WorkflowType = command.WorkflowType,
            TaskQueue = command.TaskQueue ?? parent.TaskQueue, Status = RunStatus.Running, StartedAt = d.Now, Input = command.Input?.GetRawText(),
            TraceParent = parent.TraceParent, ParentWorkflowId = parent.WorkflowId, ParentRunId = parent.RunId, ParentSeq = command.Seq,
            ParentClosePolicy = policy, RunTimeout = command.RunTimeout, ExecutionDeadline = d.Now + command.ExecutionTimeout,
            RetryPolicy = command.RetryPolicy is { } retry ? Json(retry) : null,
        };
        d.Append(EventTypes.ChildWorkflowStarted, new ChildWorkflowStartedAttributes(command.Seq, child.WorkflowType, child.WorkflowId, child.RunId.ToString()));
        d.StartRun(child, new WorkflowStartedAttributes(child.WorkflowType, child.TaskQueue, command.Input,
            d.Context.NewRandomSeed(), parent.WorkflowId, parent.RunId.ToString()));
    }

    // ---- activities ----

    private static void ActivityCompleted(RunDecision d, ActivityTaskCompletedMessage answer)
    {
        var activity = d.IsOpen ? d.Snapshot.Activity : null;
        if (ClosedCanceling(d, activity, answer.Attempt, "It completed after the cancel request; its result is dropped."))
        {
            return;
        }
        if (activity is null || activity.Attempt != answer.Attempt || activity.State != TaskState.Dispatched)
        {
            Stale(d, "activity result", answer.ScheduledEventId, answer.Attempt);
            return;
        }
        if (TimedOutBeforeAnswer(d, activity))
        {
            return;
        }
        d.DeleteActivity(answer.ScheduledEventId);
        var started = Json(new ActivityStartedAttributes(activity.Seq, activity.ScheduledEventId, activity.Attempt));
        var startedAt = AttemptStart(d, activity, answer.StartedAt);
        if (CommandValidator.CheckPayload("result", answer.Result) is { } tooLarge)
        {
            // as Temporal: a result over the size limit fails the activity for good (another attempt would return the same)
            CloseActivity(d, activity, timeoutType: null, new FailureInfo("ResultTooLarge",
                $"Activity '{activity.ActivityName}' returned a result the engine does not accept: {tooLarge}"), startedAt);
            return;
        }
        var completed = Json(new ActivityCompletedAttributes(activity.Seq, activity.ScheduledEventId, answer.Result));
        if (answer.Continuation is { } next)
        {
            if (d.Task is { State: TaskState.Idle } idle && idle.EventsFrom == next.TailFrom && d.NextEventId == next.FirstEventId)
            {
                // The worker ran the next workflow task on the history it assumed, which still holds: record the result and
                // that task's answer together (the timestamps it saw), with no workflow task message and no second transaction.
                var at = new DateTimeOffset(next.Timestamp.UtcTicks - next.Timestamp.UtcTicks % 10, TimeSpan.Zero);
                d.AppendRaw(EventTypes.ActivityStarted, started, new DateTimeOffset(startedAt < at.UtcDateTime ? startedAt : at.UtcDateTime, TimeSpan.Zero));
                d.AppendRaw(EventTypes.ActivityCompleted, completed, at);
                d.ScheduleWorkflowTask(attempt: 1, delay: null, lastFailure: null, continuedAt: at);
                ApplyAnswer(d, d.Task!, next.Commands, [], next.ContinuationId);
                return;
            }
            d.Effects.Notes.Add(new DecisionNote(DecisionNoteKind.ContinuationNotApplied, answer.ScheduledEventId, answer.Attempt)
            {
                AssumedEventId = next.FirstEventId, NextEventId = d.NextEventId,
            });
        }
        d.Deliver([new BufferedEvent(EventTypes.ActivityStarted, started, startedAt), new BufferedEvent(EventTypes.ActivityCompleted, completed)]);
    }

    /// <summary>
    /// When the attempt started: as its worker reported it, within [the attempt's send, now] (a worker's clock may be
    /// off, or its report hostile), in whole microseconds; without a report (a timeout, an older worker), when a worker
    /// took it, else now.
    /// </summary>
    private static DateTime AttemptStart(RunDecision d, ActivityTaskRow activity, DateTimeOffset? reported)
    {
        if (reported is not { } r)
        {
            return activity.PickedUpAt is { } picked && picked <= d.Now ? picked : d.Now;
        }
        var ticks = r.UtcTicks - (r.UtcTicks % 10);
        var earliest = activity.StartedAt ?? activity.ScheduledAt;
        return ticks < earliest.Ticks ? earliest : ticks > d.Now.Ticks ? d.Now : new DateTime(ticks, DateTimeKind.Utc);
    }

    private static void ActivityFailed(RunDecision d, ActivityTaskFailedMessage answer)
    {
        var activity = d.IsOpen ? d.Snapshot.Activity : null;
        if (ClosedCanceling(d, activity, answer.Attempt, CanceledFailureDetail(answer)))
        {
            return;
        }
        if (activity is null || activity.Attempt != answer.Attempt || activity.State != TaskState.Dispatched)
        {
            Stale(d, "activity failure", answer.ScheduledEventId, answer.Attempt);
            return;
        }
        if (TimedOutBeforeAnswer(d, activity))
        {
            return;
        }
        FailAttempt(d, activity, answer.Failure, timeoutType: null, AttemptStart(d, activity, answer.StartedAt));
    }

    /// <summary>
    /// An answer that arrives after its attempt's deadline (StartToClose, or ScheduleToClose when that is earlier) is too
    /// late, whether or not the sweeper has looked yet: the attempt timed out, as it would have a moment later. The deadline
    /// decides, not the sweeper's timing. True when it recorded the timeout.
    /// </summary>
    private static bool TimedOutBeforeAnswer(RunDecision d, ActivityTaskRow activity)
    {
        if (activity.AttemptDeadline is not { } deadline || d.Now <= deadline)
        {
            return false;
        }
        d.Effects.Notes.Add(new DecisionNote(DecisionNoteKind.LateActivityAnswer, activity.ScheduledEventId, activity.Attempt) { Late = d.Now - deadline });
        var options = Options(activity);
        if (options.ScheduleToCloseTimeout is { } total && deadline >= activity.ScheduledAt + total)
        {
            CloseActivity(d, activity, timeoutType: "ScheduleToClose", RunDecision.ReadFailure(activity.LastFailure) ?? new FailureInfo("ActivityTimedOut",
                $"Activity '{activity.ActivityName}' passed its ScheduleToCloseTimeout ({total}) at attempt {activity.Attempt}."));
            return true;
        }
        FailAttempt(d, activity, new FailureInfo("ActivityTimedOut",
            $"Attempt {activity.Attempt} of activity '{activity.ActivityName}' passed its StartToCloseTimeout."), timeoutType: "StartToClose");
        return true;
    }

    /// <summary>An activity attempt that is due (first send after back-off) or that ran too long.</summary>
    private static void ActivityDue(RunDecision d, long scheduledEventId)
    {
        var activity = d.IsOpen ? d.Snapshot.Activity : null;
        if (activity is null || activity.ScheduledEventId != scheduledEventId || activity.DispatchAfter > d.Now)
        {
            return;
        }
        if (ClosedCanceling(d, activity, activity.Attempt, "It sent no answer to the cancel request within its time (heartbeat or start-to-close timeout)."))
        {
            return;
        }
        var options = Options(activity);
        if (options.ScheduleToCloseTimeout is { } total && d.Now >= activity.ScheduledAt + total)
        {
            CloseActivity(d, activity, timeoutType: "ScheduleToClose", RunDecision.ReadFailure(activity.LastFailure) ?? new FailureInfo("ActivityTimedOut",
                $"Activity '{activity.ActivityName}' passed its ScheduleToCloseTimeout ({total}) at attempt {activity.Attempt}."));
        }
        else if (activity.State == TaskState.Dispatched && activity.PickedUpAt is null && options.ScheduleToStartTimeout is { } toStart
            && activity.StartedAt is { } sent && d.Now >= sent + toStart)
        {
            // Not retried (as Temporal): no worker took the task in time, another attempt would wait the same way.
            CloseActivity(d, activity, timeoutType: "ScheduleToStart", new FailureInfo("ActivityTimedOut",
                $"No worker took attempt {activity.Attempt} of activity '{activity.ActivityName}' within its ScheduleToStartTimeout ({toStart})."));
        }
        else if (activity.State == TaskState.Scheduled)
        {
            using var input = JsonDocument.Parse(activity.Input ?? "[]");
            d.UpdateActivity(SendActivity(d, activity, options, input.RootElement, withTail: false));
        }
        else if (activity.AttemptDeadline is { } deadline && d.Now < deadline)
        {
            FailAttempt(d, activity, new FailureInfo("ActivityTimedOut",
                $"Attempt {activity.Attempt} of activity '{activity.ActivityName}' sent no heartbeat within its HeartbeatTimeout ({options.HeartbeatTimeout})."),
                timeoutType: "Heartbeat");
        }
        else
        {
            FailAttempt(d, activity, new FailureInfo("ActivityTimedOut",
                $"Attempt {activity.Attempt} of activity '{activity.ActivityName}' passed its StartToCloseTimeout."), timeoutType: "StartToClose");
        }
    }

    private static ActivityScheduledAttributes Options(ActivityTaskRow activity) =>
        JsonSerializer.Deserialize<ActivityScheduledAttributes>(activity.Options, HistoryJson.Options)!;

    /// <summary>
    /// An attempt failed or timed out: retry after the policy's back-off (recording <c>ActivityAttemptFailed</c> for the first
    /// <see cref="MaxRecordedAttemptFailures"/> attempts), or close the activity for good (<c>ActivityFailed</c>,
    /// <c>ActivityTimedOut</c>; <c>ScheduleToClose</c> when the next attempt would start after that limit).
    /// </summary>
    /// <param name="d">The decision.</param>
    /// <param name="activity">The activity's row.</param>
    /// <param name="failure">What failed.</param>
    /// <param name="timeoutType">The timeout, or null for a failure the worker reported.</param>
    /// <param name="startedAt">When the attempt started (<see cref="AttemptStart"/>; null: a timeout's).</param>
    private static void FailAttempt(RunDecision d, ActivityTaskRow activity, FailureInfo failure, string? timeoutType, DateTime? startedAt = null)
    {
        failure = CommandValidator.Bounded(failure);
        var options = Options(activity);
        if (RetryMath.NextDelay(options.RetryPolicy, activity.Attempt, failure.Type, d.Context.NextJitter) is not { } delay)
        {
            CloseActivity(d, activity, timeoutType, failure, startedAt);
            return;
        }
        if (options.ScheduleToCloseTimeout is { } limit && d.Now + delay >= activity.ScheduledAt + limit)
        {
            CloseActivity(d, activity, "ScheduleToClose", failure, startedAt);
            return;
        }
        d.UpdateActivity(activity with
        {
            Attempt = activity.Attempt + 1, State = TaskState.Scheduled, DispatchAfter = d.Now + delay,
            LastFailure = Json(failure), StartedAt = null, AttemptDeadline = null,
        });
        if (activity.Attempt <= MaxRecordedAttemptFailures)
        {
            d.RecordInformational(EventTypes.ActivityAttemptFailed, Json(new ActivityAttemptFailedAttributes(
                activity.Seq, activity.ScheduledEventId, activity.Attempt, failure, timeoutType, new DateTimeOffset(d.Now + delay, TimeSpan.Zero))));
        }
    }

    private static void CloseActivity(RunDecision d, ActivityTaskRow activity, string? timeoutType, FailureInfo failure, DateTime? startedAt = null)
    {
        d.DeleteActivity(activity.ScheduledEventId);
        var started = new BufferedEvent(EventTypes.ActivityStarted, Json(new ActivityStartedAttributes(activity.Seq, activity.ScheduledEventId, activity.Attempt)),
            startedAt ?? AttemptStart(d, activity, null));
        var closed = timeoutType is null
            ? new BufferedEvent(EventTypes.ActivityFailed, Json(new ActivityFailedAttributes(activity.Seq, activity.ScheduledEventId, activity.Attempt, failure)))
            : new BufferedEvent(EventTypes.ActivityTimedOut, Json(new ActivityTimedOutAttributes(activity.Seq, activity.ScheduledEventId, timeoutType, failure)));
        d.Deliver([started, closed]);
    }

    /// <summary>Sends an attempt of <paramref name="activity"/> (scheduled with <paramref name="options"/>); returns its row as dispatched.</summary>
    private static ActivityTaskRow SendActivity(RunDecision d, ActivityTaskRow activity, ActivityScheduledAttributes options, JsonElement input, bool withTail)
    {
        JsonElement? heartbeat = null;
        if (activity.HeartbeatDetails is { } details)
        {
            using var doc = JsonDocument.Parse(details);
            heartbeat = doc.RootElement.Clone();
        }
        var now = d.Now;
        var timeout = options.StartToCloseTimeout ?? d.Settings.DefaultStartToCloseTimeout;
        var deadline = now + timeout;
        if (options.ScheduleToCloseTimeout is { } total && activity.ScheduledAt + total < deadline)
        {
            deadline = activity.ScheduledAt + total;
        }
        var dueAt = options.HeartbeatTimeout is { } hb && hb > TimeSpan.Zero && now + hb < deadline ? now + hb : deadline;
        var reportStart = options.ScheduleToStartTimeout is { } toStart && toStart > TimeSpan.Zero;
        if (reportStart && now + options.ScheduleToStartTimeout!.Value < dueAt)
        {
            dueAt = now + options.ScheduleToStartTimeout.Value;
        }
        d.SendActivity(new ActivityTaskMessage(activity.RunId, d.Run.WorkflowId, activity.ScheduledEventId, activity.Attempt,
            activity.ActivityName, activity.TaskQueue, input.Clone(), timeout, options.HeartbeatTimeout, heartbeat, d.Run.TraceParent, reportStart,
            activity.Seq), withTail);
        return activity with
        {
            State = TaskState.Dispatched, DispatchAfter = dueAt, StartedAt = now, AttemptDeadline = deadline, PickedUpAt = null,
            HeartbeatTimeout = options.HeartbeatTimeout is { } h && h > TimeSpan.Zero ? h : null,
        };
    }

    // ---- timers ----

    /// <summary>
    /// Fires every due timer of the run (taken with the snapshot): workflow timers become <c>TimerFired</c> events delivered
    /// together (one workflow task), a due run timeout closes the run <c>TimedOut</c>.
    /// </summary>
    private static void TimersDue(RunDecision d)
    {
        var due = d.Snapshot.DueTimers;
        if (!d.IsOpen || due.Count == 0)
        {
            return; // fired by another engine, or canceled
        }
        if (due.Any(t => t.TimerKey == RunTimeoutTimerKey))
        {
            d.AppendBuffered();   // what was accepted while a workflow task was in flight stays in history
            d.Append(EventTypes.WorkflowTimedOut, new WorkflowTimedOutAttributes());
            var limit = d.Run.ExecutionDeadline is { } deadline && deadline <= d.Now ? $"execution timeout (deadline {deadline:O})" : $"run timeout ({d.Run.RunTimeout})";
            d.Close(RunStatus.TimedOut, null, Json(new FailureInfo("WorkflowTimedOut", $"The run passed its {limit}.")));
            return;
        }
        d.Deliver(due
            .Select(t => JsonSerializer.Deserialize<TimerPayload>(t.Payload, HistoryJson.Options)!)
            .OrderBy(t => t.StartedEventId)
            .Select(t => (EventTypes.TimerFired, Json(new TimerFiredAttributes(t.Seq, t.StartedEventId))))
            .ToArray());
    }

    // ---- parents and children ----

    /// <summary>
    /// Tells a parent how its child closed (<c>ChildWorkflowCompleted</c> / <c>ChildWorkflowFailed</c>), once: the child's
    /// <c>parent_notified</c> flag is set with it.
    /// </summary>
    private static void ChildClosed(RunDecision d, Guid childRunId)
    {
        if (d.Snapshot.Child is not { } child || child.RunId != childRunId || child.ParentNotified || child.Status is RunStatus.Running or RunStatus.ContinuedAsNew)
        {
            return;
        }
        d.Effects.MarkParentNotified.Add(child.RunId);
        var seq = child.ParentSeq ?? 0;
        if (child.Status == RunStatus.Completed)
        {
            JsonElement? result = child.Result is { } json ? JsonDocument.Parse(json).RootElement.Clone() : null;
            d.Deliver((EventTypes.ChildWorkflowCompleted, Json(new ChildWorkflowCompletedAttributes(seq, result))));
            return;
        }
        var failure = child.Status == RunStatus.Failed && RunDecision.ReadFailure(child.Failure) is { } f
            ? f
            : new FailureInfo("ChildWorkflow" + child.Status, $"Child workflow '{child.WorkflowId}' (run {child.RunId}) closed as {child.Status}.");
        d.Deliver((EventTypes.ChildWorkflowFailed, Json(new ChildWorkflowFailedAttributes(seq, failure))));
    }

    /// <summary>
    /// The run's parent closed: the run is terminated (default policy) or asked to cancel; a child closed here needs no
    /// notice to its (closed) parent.
    /// </summary>
    private static void ParentClosed(RunDecision d, ParentClosedTrigger t)
    {
        if (!d.IsOpen || d.Run.ParentRunId != t.ParentRunId || t.Policy == "Abandon")
        {
            return;
        }
        if (t.Policy == "RequestCancel")
        {
            RequestCancel(d, $"The parent run {t.ParentRunId} closed ({t.ParentStatus}).");
            return;
        }
        var reason = $"The parent run {t.ParentRunId} closed ({t.ParentStatus}); parent-close policy Terminate.";
        Terminate(d, reason);
        d.Effects.MarkParentNotified.Add(d.Run.RunId);
    }

    private static void Stale(RunDecision d, string what, long scheduledEventId, int attempt) =>
        d.Effects.Notes.Add(new DecisionNote(DecisionNoteKind.Stale, scheduledEventId, attempt) { Text = what });
}
