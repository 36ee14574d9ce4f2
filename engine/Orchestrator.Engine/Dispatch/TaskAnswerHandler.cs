using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Applies what workers answer and what comes due: workflow task commands, activity results, timers, and
/// re-sends of tasks whose answer did not come. Every answer carries its token (run, scheduled event id,
/// attempt); one that does not match the open task is stale or a duplicate and is dropped.
/// </summary>
internal sealed class TaskAnswerHandler(WorkflowEngine engine, EngineSettings settings, ILogger<TaskAnswerHandler> logger)
{
    public async Task HandleAsync(WorkflowTaskCompletedMessage answer)
    {
        await using var change = await engine.BeginForWorkflowTaskAnswerAsync(answer.RunId);
        if (change is null || !change.IsOpen || change.Task is not { State: TaskState.Dispatched } task
            || task.ScheduledEventId != answer.ScheduledEventId)
        {
            Log.StaleAnswer(logger, "workflow task", answer.RunId, answer.ScheduledEventId, answer.Attempt);
            return;
        }

        await ApplyAnswerAsync(change, task, answer.Commands, change.TakenBuffered!);
        await engine.CommitAsync(change);
    }

    /// <summary>
    /// Applies a workflow task's commands (the task's <c>WorkflowTaskStarted</c>, <c>WorkflowTaskCompleted</c>, then one
    /// change per command), with the events buffered while it was in flight; the caller commits.
    /// </summary>
    /// <param name="continuationId">The applied continuation's id, recorded in <c>WorkflowTaskStarted</c> (null for a usual answer).</param>
    private async Task ApplyAnswerAsync(RunChange change, WorkflowTaskRow task, IReadOnlyList<WorkflowCommand> commands, IReadOnlyList<BufferedEventRow> allBuffered,
        Guid? continuationId = null)
    {
        if (CommandValidator.Check(commands) is { } invalid)
        {
            await FailInvalidAnswerAsync(change, task, invalid, allBuffered);
            return;
        }
        var closes = commands.Any(IsClosing);
        // Informational events (attempt failures) go before the answer's WorkflowTaskStarted; they need no task of their own.
        foreach (var e in allBuffered.Where(e => RunChange.IsInformational(e.EventType)))
        {
            change.AppendRaw(e.EventType, e.AttributesJson);
        }
        var buffered = allBuffered.Where(e => !RunChange.IsInformational(e.EventType)).ToList();
        if (closes && buffered.Count > 0)
        {
            // Closing while new events wait would lose them: fail the task so the code sees them first.
            var failure = new FailureInfo("UnhandledEvents", "New events arrived while the workflow task was closing the run; it runs again with them.");
            change.Append(EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(task.ScheduledEventId));
            change.Append(EventTypes.WorkflowTaskFailed, new WorkflowTaskFailedAttributes(task.ScheduledEventId, failure));
            foreach (var e in buffered)
            {
                change.AppendRaw(e.EventType, e.AttributesJson);
            }
            change.SetTaskIdle(task.ScheduledEventId);
            change.ScheduleWorkflowTask(attempt: 1, delay: null, RunChange.Json(failure));
            return;
        }

        change.Append(EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(task.ScheduledEventId, continuationId));
        change.Append(EventTypes.WorkflowTaskCompleted, new WorkflowTaskCompletedAttributes(task.ScheduledEventId));
        change.SetTaskIdle(task.ScheduledEventId);
        var canceledAfterFire = new HashSet<int>();
        foreach (var command in commands)
        {
            await ApplyAsync(change, command, canceledAfterFire);
            if (!change.IsOpen)
            {
                break;
            }
        }
        if (change.IsOpen)
        {
            // A timer the code canceled whose TimerFired waits here (it fired while this task was in flight) did not fire for
            // the code, which never saw it: its fire is dropped, so history does not show a timer that fired after its cancel.
            var kept = buffered.Where(e => !(e.EventType == EventTypes.TimerFired && canceledAfterFire.Contains(TimerSeq(e.AttributesJson)))).ToList();
            foreach (var e in kept)
            {
                change.AppendRaw(e.EventType, e.AttributesJson);
            }
            if (kept.Count > 0)
            {
                change.ScheduleWorkflowTask(attempt: 1, delay: null, lastFailure: null);
            }
        }
    }

    private static int TimerSeq(string timerFiredJson)
    {
        using var doc = JsonDocument.Parse(timerFiredJson);
        return doc.RootElement.TryGetProperty("seq", out var seq) && seq.TryGetInt32(out var value) ? value : -1;
    }

    /// <summary>
    /// The answer's commands break a rule (<see cref="CommandValidator"/>): none is applied, the task fails visibly
    /// (<c>WorkflowTaskFailed</c>, type <c>InvalidCommand</c>) and is retried with back-off like any failed workflow task; the
    /// events taken with it are recorded after the failure (or, for a retry that failed again, left buffered for the next).
    /// </summary>
    private async Task FailInvalidAnswerAsync(RunChange change, WorkflowTaskRow task, string invalid, IReadOnlyList<BufferedEventRow> buffered)
    {
        Log.InvalidCommand(logger, change.Run.WorkflowId, change.Run.RunId, task.ScheduledEventId, invalid);
        var failure = new FailureInfo(CommandValidator.InvalidCommandType, invalid);
        if (task is { LastFailure: not null, Attempt: > 1 })
        {
            foreach (var e in buffered)
            {
                await change.Store.AddBufferedEventAsync(change.Tx, change.Run.RunId, e.EventType, e.AttributesJson);
            }
            change.RetryWorkflowTaskLater(task.Attempt + 1, RetryDelay(task.Attempt), RunChange.Json(failure));
            return;
        }
        change.Append(EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(task.ScheduledEventId));
        change.Append(EventTypes.WorkflowTaskFailed, new WorkflowTaskFailedAttributes(task.ScheduledEventId, failure));
        foreach (var e in buffered)
        {
            change.AppendRaw(e.EventType, e.AttributesJson);
        }
        change.SetTaskIdle(task.ScheduledEventId);
        change.ScheduleWorkflowTask(task.Attempt + 1, RetryDelay(task.Attempt), RunChange.Json(failure));
    }

    public async Task HandleAsync(WorkflowTaskFailedMessage answer)
    {
        await using var change = await engine.BeginAsync(answer.RunId);
        // only the attempt in flight may fail the task: a late failure of an older attempt (a re-send overtook it) must not
        // replace the newer attempt, which may yet complete
        if (change is null || !change.IsOpen || change.Task is not { State: TaskState.Dispatched } task
            || task.ScheduledEventId != answer.ScheduledEventId || task.Attempt != answer.Attempt)
        {
            Log.StaleAnswer(logger, "workflow task failure", answer.RunId, answer.ScheduledEventId, answer.Attempt);
            return;
        }
        Log.WorkflowTaskFailed(logger, change.Run.WorkflowId, answer.RunId, answer.Failure.Type, answer.Failure.Message);
        if (task is { LastFailure: not null, Attempt: > 1 })
        {
            // a retry of a failed task failed again: history already holds the first failure
            change.RetryWorkflowTaskLater(task.Attempt + 1, RetryDelay(task.Attempt), RunChange.Json(answer.Failure));
            await engine.CommitAsync(change);
            return;
        }
        change.Append(EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(task.ScheduledEventId));
        change.Append(EventTypes.WorkflowTaskFailed, new WorkflowTaskFailedAttributes(task.ScheduledEventId, answer.Failure));
        await change.AppendBufferedAsync();
        var failedAttempt = task.Attempt;
        change.SetTaskIdle(task.ScheduledEventId);
        change.ScheduleWorkflowTask(failedAttempt + 1, RetryDelay(failedAttempt), RunChange.Json(answer.Failure));
        await engine.CommitAsync(change);
    }

    public async Task HandleAsync(ActivityTaskCompletedMessage answer)
    {
        await using var change = await engine.BeginForActivityAsync(answer.RunId, answer.ScheduledEventId, withTail: answer.Continuation is null);
        var activity = change is { IsOpen: true } ? change.Activity : null;
        if (change is null || activity is null || activity.Attempt != answer.Attempt || activity.State != TaskState.Dispatched)
        {
            Log.StaleAnswer(logger, "activity result", answer.RunId, answer.ScheduledEventId, answer.Attempt);
            return;
        }
        if (await TimedOutBeforeAnswerAsync(change, activity))
        {
            await engine.CommitAsync(change);
            return;
        }
        change.DeleteActivityTask(answer.ScheduledEventId);
        var started = RunChange.Json(new ActivityStartedAttributes(activity.Seq, activity.ScheduledEventId, activity.Attempt));

        if (CommandValidator.CheckPayload("result", answer.Result) is { } tooLarge)
        {
            // as Temporal: a result over the size limit fails the activity for good (another attempt would return the same)
            await CloseActivityAsync(change, activity, timeoutType: null, new FailureInfo("ResultTooLarge",
                $"Activity '{activity.ActivityName}' returned a result the engine does not accept: {tooLarge}"));
            await engine.CommitAsync(change);
            return;
        }
        var completed = RunChange.Json(new ActivityCompletedAttributes(activity.Seq, activity.ScheduledEventId, answer.Result));
        if (answer.Continuation is { } next)
        {
            if (change.Task is { State: TaskState.Idle } idle && idle.EventsFrom == next.TailFrom && change.NextEventId == next.FirstEventId)
            {
                // The worker ran the next workflow task on the history it assumed, which still holds: record the result and
                // that task's answer together (the timestamps it saw), with no workflow task message and no second transaction.
                var at = new DateTimeOffset(next.Timestamp.UtcTicks - next.Timestamp.UtcTicks % 10, TimeSpan.Zero);
                change.AppendRaw(EventTypes.ActivityStarted, started, at);
                change.AppendRaw(EventTypes.ActivityCompleted, completed, at);
                change.ScheduleWorkflowTask(attempt: 1, delay: null, lastFailure: null, continuedAt: at);
                await ApplyAnswerAsync(change, change.Task!, next.Commands, [], next.ContinuationId);
                await engine.CommitAsync(change);
                return;
            }
            Log.ContinuationNotApplied(logger, answer.RunId, answer.ScheduledEventId, next.FirstEventId, change.NextEventId);
        }
        await change.DeliverAsync((EventTypes.ActivityStarted, started), (EventTypes.ActivityCompleted, completed));
        await engine.CommitAsync(change);
    }

    public async Task HandleAsync(ActivityTaskFailedMessage answer)
    {
        await using var change = await engine.BeginForActivityAsync(answer.RunId, answer.ScheduledEventId);
        var activity = change is { IsOpen: true } ? change.Activity : null;
        if (change is null || activity is null || activity.Attempt != answer.Attempt || activity.State != TaskState.Dispatched)
        {
            Log.StaleAnswer(logger, "activity failure", answer.RunId, answer.ScheduledEventId, answer.Attempt);
            return;
        }
        if (await TimedOutBeforeAnswerAsync(change, activity))
        {
            await engine.CommitAsync(change);
            return;
        }
        await FailAttemptAsync(change, activity, answer.Failure, timeoutType: null);
        await engine.CommitAsync(change);
    }

    /// <summary>
    /// An answer that arrives after its attempt's deadline (StartToClose, or ScheduleToClose when that is earlier) is too
    /// late, whether or not the sweeper has looked yet: the attempt timed out, as it would have a moment later. The deadline
    /// decides, not the sweeper's timing. True when it recorded the timeout (the caller commits).
    /// </summary>
    private async Task<bool> TimedOutBeforeAnswerAsync(RunChange change, ActivityTaskRow activity)
    {
        if (activity.AttemptDeadline is not { } deadline || change.Now <= deadline)
        {
            return false;
        }
        Log.LateActivityAnswer(logger, change.Run.WorkflowId, activity.RunId, activity.ScheduledEventId, activity.Attempt, change.Now - deadline);
        var options = JsonSerializer.Deserialize<ActivityScheduledAttributes>(activity.Options, HistoryJson.Options)!;
        if (options.ScheduleToCloseTimeout is { } total && deadline >= activity.ScheduledAt + total)
        {
            var last = activity.LastFailure is { } json ? JsonSerializer.Deserialize<FailureInfo>(json, HistoryJson.Options) : null;
            await CloseActivityAsync(change, activity, timeoutType: "ScheduleToClose", last ?? new FailureInfo("ActivityTimedOut",
                $"Activity '{activity.ActivityName}' passed its ScheduleToCloseTimeout ({total}) at attempt {activity.Attempt}."));
            return true;
        }
        await FailAttemptAsync(change, activity, new FailureInfo("ActivityTimedOut",
            $"Attempt {activity.Attempt} of activity '{activity.ActivityName}' passed its StartToCloseTimeout."), timeoutType: "StartToClose");
        return true;
    }

    /// <summary>A worker took the attempt: the ScheduleToStart limit no longer applies to it.</summary>
    public Task HandleAsync(ActivityTaskStartedMessage started) =>
        engine.Store.RecordPickUpAsync(started.RunId, started.ScheduledEventId, started.Attempt, settings.UtcNow());

    /// <summary>An attempt is alive; details over the size limit are not kept (the earlier ones stay), the heartbeat counts.</summary>
    public Task HandleAsync(ActivityHeartbeatMessage heartbeat)
    {
        var tooLarge = CommandValidator.CheckPayload("details", heartbeat.Details) is not null;
        if (tooLarge)
        {
            Log.HeartbeatDetailsTooLarge(logger, heartbeat.RunId, heartbeat.ScheduledEventId, heartbeat.Attempt);
        }
        return engine.Store.RecordHeartbeatAsync(heartbeat.RunId, heartbeat.ScheduledEventId, heartbeat.Attempt,
            tooLarge ? null : heartbeat.Details?.GetRawText(), settings.UtcNow(), keepDetails: tooLarge);
    }

    /// <summary>
    /// Sends a workflow task that is due: a retry after back-off, one whose answer did not come in time (a new attempt, with
    /// a doubled timeout), or one whose message the broker never confirmed (the same attempt again).
    /// </summary>
    public async Task DispatchDueWorkflowTaskAsync(Guid runId)
    {
        await using var change = await engine.BeginAsync(runId);
        if (change is not { IsOpen: true, Task: { State: not TaskState.Idle } task })
        {
            return;
        }
        if (task.DispatchAfter <= change.Now)
        {
            if (task.State == TaskState.Dispatched)
            {
                Log.WorkflowTaskOverdue(logger, change.Run.WorkflowId, runId, task.ScheduledEventId, task.Attempt, task.Sent);
                change.RedispatchWorkflowTask(task.Attempt + 1, task.Timeouts + 1);
            }
            else
            {
                change.RedispatchWorkflowTask(task.Attempt, timeouts: 0);
            }
        }
        else if (task is { State: TaskState.Dispatched, Sent: false, DispatchedAt: { } handedOver } && handedOver + settings.ResendUnsentWorkflowTaskAfter <= change.Now)
        {
            Log.WorkflowTaskUnsent(logger, change.Run.WorkflowId, runId, task.ScheduledEventId, task.Attempt);
            change.ResendUnsentWorkflowTask();
        }
        else
        {
            return;
        }
        await engine.CommitAsync(change);
    }

    /// <summary>Sends an activity attempt that is due (first send after back-off) or times out one that ran too long.</summary>
    public async Task DispatchDueActivityAsync(Guid runId, long scheduledEventId)
    {
        await using var change = await engine.BeginForActivityAsync(runId, scheduledEventId);
        var activity = change is { IsOpen: true } ? change.Activity : null;
        if (change is null || activity is null || activity.DispatchAfter > change.Now)
        {
            return;
        }
        var options = JsonSerializer.Deserialize<ActivityScheduledAttributes>(activity.Options, HistoryJson.Options)!;
        if (options.ScheduleToCloseTimeout is { } total && change.Now >= activity.ScheduledAt + total)
        {
            var failure = activity.LastFailure is { } last ? JsonSerializer.Deserialize<FailureInfo>(last, HistoryJson.Options) : null;
            await CloseActivityAsync(change, activity, timeoutType: "ScheduleToClose", failure ?? new FailureInfo("ActivityTimedOut",
                $"Activity '{activity.ActivityName}' passed its ScheduleToCloseTimeout ({total}) at attempt {activity.Attempt}."));
        }
        else if (activity.State == TaskState.Dispatched && activity.PickedUpAt is null && options.ScheduleToStartTimeout is { } toStart
            && activity.StartedAt is { } sent && change.Now >= sent + toStart)
        {
            // Not retried (as Temporal): no worker took the task in time, another attempt would wait the same way.
            await CloseActivityAsync(change, activity, timeoutType: "ScheduleToStart", new FailureInfo("ActivityTimedOut",
                $"No worker took attempt {activity.Attempt} of activity '{activity.ActivityName}' within its ScheduleToStartTimeout ({toStart})."));
        }
        else if (activity.State == TaskState.Scheduled)
        {
            using var input = JsonDocument.Parse(activity.Input ?? "[]");
            await change.Store.UpdateActivityTaskAsync(change.Tx, SendActivity(change, activity, options, input.RootElement, withTail: false));
        }
        else if (activity.AttemptDeadline is { } deadline && change.Now < deadline)
        {
            var failure = new FailureInfo("ActivityTimedOut", $"Attempt {activity.Attempt} of activity '{activity.ActivityName}' sent no heartbeat within its HeartbeatTimeout ({options.HeartbeatTimeout}).");
            await FailAttemptAsync(change, activity, failure, timeoutType: "Heartbeat");
        }
        else
        {
            var failure = new FailureInfo("ActivityTimedOut", $"Attempt {activity.Attempt} of activity '{activity.ActivityName}' passed its StartToCloseTimeout.");
            await FailAttemptAsync(change, activity, failure, timeoutType: "StartToClose");
        }
        await engine.CommitAsync(change);
    }

    /// <summary>
    /// Fires every due timer of a run in one transaction (once: the timer rows are deleted in it): workflow timers become
    /// <c>TimerFired</c> events delivered together (one workflow task), a due run timeout closes the run <c>TimedOut</c>.
    /// Returns whether it fired any.
    /// </summary>
    public async Task<bool> FireDueTimersAsync(Guid runId)
    {
        await using var change = await engine.BeginAsync(runId);
        if (change is not { IsOpen: true })
        {
            return false;
        }
        var due = await change.Store.TakeDueTimersAsync(change.Tx, runId, change.Now);
        if (due.Count == 0)
        {
            return false; // fired by another engine, or canceled
        }
        if (due.Any(t => t.TimerKey == RunChange.RunTimeoutTimerKey))
        {
            await change.AppendBufferedAsync();   // what was accepted while a workflow task was in flight stays in history
            change.Append(EventTypes.WorkflowTimedOut, new WorkflowTimedOutAttributes());
            await change.CloseAsync(RunStatus.TimedOut, null, RunChange.Json(new FailureInfo("WorkflowTimedOut",
                $"The run passed its run timeout ({change.Run.RunTimeout}).")));
        }
        else
        {
            var fired = due
                .Select(t => JsonSerializer.Deserialize<TimerPayload>(t.Payload, HistoryJson.Options)!)
                .OrderBy(t => t.StartedEventId)
                .Select(t => (EventTypes.TimerFired, RunChange.Json(new TimerFiredAttributes(t.Seq, t.StartedEventId))))
                .ToArray();
            await change.DeliverAsync(fired);
        }
        await engine.CommitAsync(change);
        return true;
    }

    /// <summary>
    /// How many failed attempts of one activity history records as <c>ActivityAttemptFailed</c>. Later ones are only counted
    /// on the activity's row (its attempt and last failure, shown by describe's pending activity, as Temporal keeps only the
    /// last failure): an activity retried without end keeps a bounded history, and each retry costs the same.
    /// </summary>
    public const int MaxRecordedAttemptFailures = 10;

    /// <summary>
    /// An attempt failed or timed out: retry after the policy's back-off (recording <c>ActivityAttemptFailed</c> for the first
    /// <see cref="MaxRecordedAttemptFailures"/> attempts), or close
    /// the activity for good (<c>ActivityFailed</c>, <c>ActivityTimedOut</c>; <c>ScheduleToClose</c> when the next attempt
    /// would start after that limit).
    /// </summary>
    private async Task FailAttemptAsync(RunChange change, ActivityTaskRow activity, FailureInfo failure, string? timeoutType)
    {
        failure = CommandValidator.Bounded(failure);
        var options = JsonSerializer.Deserialize<ActivityScheduledAttributes>(activity.Options, HistoryJson.Options)!;
        var delay = RetryMath.NextDelay(options.RetryPolicy, activity.Attempt, failure.Type);
        if (delay is { } d)
        {
            if (options.ScheduleToCloseTimeout is { } limit && change.Now + d >= activity.ScheduledAt + limit)
            {
                await CloseActivityAsync(change, activity, "ScheduleToClose", failure);
                return;
            }
            var failureJson = RunChange.Json(failure);
            await change.Store.UpdateActivityTaskAsync(change.Tx, activity with
            {
                Attempt = activity.Attempt + 1, State = TaskState.Scheduled, DispatchAfter = change.Now + d,
                LastFailure = failureJson, StartedAt = null, AttemptDeadline = null,
            });
            if (activity.Attempt <= MaxRecordedAttemptFailures)
            {
                await change.RecordInformationalAsync(EventTypes.ActivityAttemptFailed, RunChange.Json(new ActivityAttemptFailedAttributes(
                    activity.Seq, activity.ScheduledEventId, activity.Attempt, failure, timeoutType, new DateTimeOffset(change.Now + d, TimeSpan.Zero))));
            }
            return;
        }
        await CloseActivityAsync(change, activity, timeoutType, failure);
    }

    private static async Task CloseActivityAsync(RunChange change, ActivityTaskRow activity, string? timeoutType, FailureInfo failure)
    {
        change.DeleteActivityTask(activity.ScheduledEventId);
        var started = (EventTypes.ActivityStarted, RunChange.Json(new ActivityStartedAttributes(activity.Seq, activity.ScheduledEventId, activity.Attempt)));
        var closed = timeoutType is null
            ? (EventTypes.ActivityFailed, RunChange.Json(new ActivityFailedAttributes(activity.Seq, activity.ScheduledEventId, activity.Attempt, failure)))
            : (EventTypes.ActivityTimedOut, RunChange.Json(new ActivityTimedOutAttributes(activity.Seq, activity.ScheduledEventId, timeoutType, failure)));
        await change.DeliverAsync(started, closed);
    }

    /// <param name="canceledAfterFire">Gets the seq of each canceled timer whose row was already gone (it fired meanwhile).</param>
    private async Task ApplyAsync(RunChange change, WorkflowCommand command, HashSet<int> canceledAfterFire)
    {
        switch (command)
        {
            case ScheduleActivityCommand c:
            {
                var attributes = new ActivityScheduledAttributes(c.Seq, c.ActivityName, c.Input, c.TaskQueue, c.StartToCloseTimeout,
                    c.ScheduleToCloseTimeout, c.ScheduleToStartTimeout, c.HeartbeatTimeout, c.RetryPolicy);
                var optionsJson = RunChange.Json(attributes);
                var id = change.AppendRaw(EventTypes.ActivityScheduled, optionsJson);
                var row = new ActivityTaskRow
                {
                    RunId = change.Run.RunId, ScheduledEventId = id, Seq = c.Seq, ActivityName = c.ActivityName,
                    TaskQueue = c.TaskQueue ?? change.Run.TaskQueue, Input = c.Input.GetRawText(), Options = optionsJson, Attempt = 1,
                    State = TaskState.Dispatched, ScheduledAt = change.Now, DispatchAfter = change.Now,
                };
                change.AddActivityRow(SendActivity(change, row, attributes, c.Input, withTail: true));
                break;
            }
            case StartTimerCommand c:
            {
                var fireAt = change.Now + c.Duration;
                var id = change.Append(EventTypes.TimerStarted, new TimerStartedAttributes(c.Seq, c.Duration, new DateTimeOffset(fireAt, TimeSpan.Zero)));
                await change.AddTimerAsync(TimerKey(c.Seq), fireAt, RunChange.Json(new TimerPayload(c.Seq, id)));
                break;
            }
            case CancelTimerCommand c:
                if (await change.Store.DeleteTimerAsync(change.Tx, change.Run.RunId, TimerKey(c.Seq)) is null)
                {
                    canceledAfterFire.Add(c.Seq);
                }
                change.Append(EventTypes.TimerCanceled, new TimerCanceledAttributes(c.Seq));
                break;
            case RecordMarkerCommand c:
                change.Append(EventTypes.MarkerRecorded, new MarkerRecordedAttributes(c.MarkerName, c.Details));
                break;
            case CompleteWorkflowCommand c:
                change.Append(EventTypes.WorkflowCompleted, new WorkflowCompletedAttributes(c.Result));
                await change.CloseAsync(RunStatus.Completed, c.Result?.GetRawText(), null);
                break;
            case FailWorkflowCommand c:
                change.Append(EventTypes.WorkflowFailed, new WorkflowFailedAttributes(c.Failure));
                if (RunStarts.WorkflowRetryDelay(change.Run, c.Failure) is { } delay)
                {
                    await RunStarts.RetryRunAsync(change, c.Failure, delay);
                }
                else
                {
                    await change.CloseAsync(RunStatus.Failed, null, RunChange.Json(c.Failure));
                }
                break;
            case CancelWorkflowCommand:
                change.Append(EventTypes.WorkflowCanceled, new WorkflowCanceledAttributes());
                await change.CloseAsync(RunStatus.Canceled, null, RunChange.Json(new FailureInfo("Canceled", "The workflow was canceled.")));
                break;
            case ContinueAsNewCommand c:
                await RunStarts.ContinueAsNewAsync(change, c);
                break;
            case StartChildWorkflowCommand c:
                await RunStarts.StartChildAsync(change, c);
                break;
            default:
                throw new InvalidOperationException($"Unknown command {command.GetType().Name}.");
        }
    }

    /// <summary>Sends an attempt of <paramref name="activity"/> (scheduled with <paramref name="options"/>); returns its row as dispatched.</summary>
    private ActivityTaskRow SendActivity(RunChange change, ActivityTaskRow activity, ActivityScheduledAttributes options, JsonElement input, bool withTail)
    {
        JsonElement? heartbeat = null;
        if (activity.HeartbeatDetails is { } details)
        {
            using var doc = JsonDocument.Parse(details);
            heartbeat = doc.RootElement.Clone();
        }
        var timeout = options.StartToCloseTimeout ?? settings.DefaultStartToCloseTimeout;
        var deadline = change.Now + timeout;
        if (options.ScheduleToCloseTimeout is { } total && activity.ScheduledAt + total < deadline)
        {
            deadline = activity.ScheduledAt + total;
        }
        var dueAt = options.HeartbeatTimeout is { } hb && hb > TimeSpan.Zero && change.Now + hb < deadline ? change.Now + hb : deadline;
        var reportStart = options.ScheduleToStartTimeout is { } toStart && toStart > TimeSpan.Zero;
        if (reportStart && change.Now + options.ScheduleToStartTimeout!.Value < dueAt)
        {
            dueAt = change.Now + options.ScheduleToStartTimeout.Value;
        }
        var message = new ActivityTaskMessage(activity.RunId, change.Run.WorkflowId, activity.ScheduledEventId, activity.Attempt,
            activity.ActivityName, activity.TaskQueue, input.Clone(), timeout, options.HeartbeatTimeout, heartbeat, change.Run.TraceParent, reportStart,
            activity.Seq);
        change.AddActivityTask(message, withTail);
        return activity with
        {
            State = TaskState.Dispatched, DispatchAfter = dueAt, StartedAt = change.Now, AttemptDeadline = deadline, PickedUpAt = null,
            HeartbeatTimeout = options.HeartbeatTimeout is { } h && h > TimeSpan.Zero ? h : null,
        };
    }

    private TimeSpan RetryDelay(int failedAttempt) =>
        TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(failedAttempt - 1, 16)), settings.MaxWorkflowTaskRetryDelay.TotalSeconds));

    private static bool IsClosing(WorkflowCommand c) =>
        c is CompleteWorkflowCommand or FailWorkflowCommand or CancelWorkflowCommand or ContinueAsNewCommand;

    private static string TimerKey(int seq) => $"t{seq}";

    private sealed record TimerPayload(int Seq, long StartedEventId);
}
