using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Tests.Decider;

/// <summary>
/// The engine's state machine without PostgreSQL or RabbitMQ: hand-built snapshots, one trigger, the effects asserted.
/// </summary>
public sealed class RunDeciderTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc);
    private static readonly EngineSettings Settings = new();
    private static readonly Guid RunId = Guid.Parse("0193a000-0000-7000-8000-000000000001");

    private static int _ids;

    private static DecisionContext Context() =>
        new(Now, Settings, () => Guid.Parse($"0193a000-0000-7000-8000-{Interlocked.Increment(ref _ids):D12}"), () => 7);

    private static WorkflowRunRecord Run(long nextEventId = 10, string status = RunStatus.Running, bool cancelRequested = false, Guid? parent = null) => new()
    {
        RunId = RunId, WorkflowId = "wf-1", WorkflowType = "Order", TaskQueue = "q", Status = status, StartedAt = Now.AddMinutes(-1),
        NextEventId = nextEventId, CancelRequested = cancelRequested, ParentRunId = parent, ParentWorkflowId = parent is null ? null : "parent-wf",
        ParentSeq = parent is null ? null : 3,
    };

    /// <summary>A workflow task row: idle (answered up to event 9) or dispatched (scheduled as event 9, in flight).</summary>
    private static WorkflowTaskRow Task(string state, long scheduled = 9, int attempt = 1, string? lastFailure = null) => new()
    {
        RunId = RunId, ScheduledEventId = scheduled, Attempt = attempt, TaskQueue = "q", EventsFrom = state == TaskState.Idle ? 10 : 1, State = state,
        DispatchAfter = Now.AddSeconds(5), LastFailure = lastFailure, Sent = true, DispatchedAt = Now.AddSeconds(-5),
    };

    private static RunSnapshot Snapshot(WorkflowRunRecord? run = null, WorkflowTaskRow? task = null, params BufferedEventRow[] buffered) =>
        new() { Run = run ?? Run(), Task = task, Buffered = buffered };

    private static RunEffects Decide(RunSnapshot snapshot, RunTrigger trigger) => RunDecider.Decide(snapshot, trigger, Context());

    private static BufferedEventRow Buffered(long id, string type, object attributes) => new(id, type, RunDecision.Json(attributes));

    private static WorkflowTaskCompletedTrigger Answer(long scheduled, params WorkflowCommand[] commands) =>
        new(new WorkflowTaskCompletedMessage(RunId, scheduled, 1, commands, "test"));

    private static string[] Types(RunEffects effects) => effects.Events.Select(e => e.EventType).ToArray();

    private static JsonElement J(object value) => JsonSerializer.SerializeToElement(value);

    private static ActivityTaskRow Activity(int attempt = 1, DateTime? deadline = null, string options = """{"seq":1,"activityName":"Charge","input":[]}""") => new()
    {
        RunId = RunId, ScheduledEventId = 5, Seq = 1, ActivityName = "Charge", TaskQueue = "q", Input = "[]", Options = options, Attempt = attempt,
        State = TaskState.Dispatched, ScheduledAt = Now.AddSeconds(-30), StartedAt = Now.AddSeconds(-1), DispatchAfter = Now.AddMinutes(5),
        AttemptDeadline = deadline ?? Now.AddMinutes(5),
    };

    [Fact]
    public void A_signal_to_an_idle_run_is_appended_with_a_new_workflow_task_that_is_sent()
    {
        var effects = Decide(Snapshot(task: Task(TaskState.Idle)), new SignalTrigger("go", J(1)));

        Assert.Equal([EventTypes.SignalReceived, EventTypes.WorkflowTaskScheduled], Types(effects));
        Assert.Equal(11, effects.Task!.ScheduledEventId);
        Assert.Equal(10, effects.Task.EventsFrom);
        Assert.Equal(TaskState.Dispatched, effects.Task.State);
        Assert.True(effects.SendTask);
        Assert.Null(effects.TaskTimeToLive);
        Assert.Empty(effects.Buffer);
    }

    [Fact]
    public void A_signal_while_a_workflow_task_is_in_flight_is_buffered_and_nothing_else_changes()
    {
        var effects = Decide(Snapshot(task: Task(TaskState.Dispatched)), new SignalTrigger("go", null));

        Assert.Empty(effects.Events);
        Assert.Equal(EventTypes.SignalReceived, Assert.Single(effects.Buffer).EventType);
        Assert.Null(effects.Task);
        Assert.False(effects.SendTask);
    }

    [Fact]
    public void An_accepted_update_is_delivered_like_a_signal_and_its_completion_is_recorded_with_its_outcome()
    {
        var accepted = Decide(Snapshot(task: Task(TaskState.Idle)), new UpdateAcceptedTrigger("u-1", "AddItem", J("pen")));
        Assert.Equal([EventTypes.WorkflowUpdateAccepted, EventTypes.WorkflowTaskScheduled], Types(accepted));
        var attributes = JsonSerializer.Deserialize<WorkflowUpdateAcceptedAttributes>(accepted.Events[0].AttributesJson, HistoryJson.Options)!;
        Assert.Equal(("u-1", "AddItem", "pen"), (attributes.UpdateId, attributes.Name, attributes.Input!.Value.GetString()));
        Assert.Equal(EventTypes.WorkflowUpdateAccepted,
            Assert.Single(Decide(Snapshot(task: Task(TaskState.Dispatched)), new UpdateAcceptedTrigger("u-1", "AddItem", null)).Buffer).EventType);

        var completed = Decide(Snapshot(task: Task(TaskState.Dispatched)), Answer(9,
            new CompleteUpdateCommand("u-1", J(3)), new CompleteUpdateCommand("u-2", null, new FailureInfo("Boom", "no"))));

        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.WorkflowUpdateCompleted, EventTypes.WorkflowUpdateCompleted],
            Types(completed));
        Assert.Collection(completed.CompletedUpdates,
            u => Assert.Equal(("u-1", "Completed", "3", (string?)null), (u.UpdateId, u.Status, u.Result, u.Failure)),
            u => Assert.Equal(("u-2", "Failed", (string?)null), (u.UpdateId, u.Status, u.Result)));
        Assert.Contains("Boom", completed.CompletedUpdates[1].Failure, StringComparison.Ordinal);
        Assert.Null(completed.Close);
    }

    [Fact]
    public void A_request_to_another_workflow_is_recorded_with_its_row_and_its_outcome_is_delivered_like_a_signal()
    {
        var answer = Decide(Snapshot(task: Task(TaskState.Dispatched)), Answer(9,
            new SignalExternalWorkflowCommand(3, "order-42", "paid", J("r-1")), new RequestCancelExternalWorkflowCommand(4, "order-43", "stop")));

        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.ExternalSignalRequested, EventTypes.ExternalCancelRequested],
            Types(answer));
        Assert.Collection(answer.ExternalRequests,
            r => Assert.Equal((3, "Signal", "order-42", "paid", "\"r-1\"", (string?)null), (r.Seq, r.Kind, r.TargetWorkflowId, r.SignalName, r.Input, r.Reason)),
            r => Assert.Equal((4, "Cancel", "order-43", (string?)null, "stop"), (r.Seq, r.Kind, r.TargetWorkflowId, r.SignalName, r.Reason)));

        var target = Guid.NewGuid();
        var delivered = Decide(Snapshot(task: Task(TaskState.Idle)), new ExternalRequestDoneTrigger(3, ExternalRequestRow.Signal, target, null));
        Assert.Equal([EventTypes.ExternalSignalCompleted, EventTypes.WorkflowTaskScheduled], Types(delivered));
        Assert.Equal(target, JsonSerializer.Deserialize<ExternalRequestCompletedAttributes>(delivered.Events[0].AttributesJson, HistoryJson.Options)!.RunId);

        var notFound = Decide(Snapshot(task: Task(TaskState.Dispatched)),
            new ExternalRequestDoneTrigger(4, ExternalRequestRow.Cancel, null, RunDecider.NotFound(ExternalRequestRow.Cancel, "order-43")));
        var buffered = Assert.Single(notFound.Buffer);
        Assert.Equal(EventTypes.ExternalCancelFailed, buffered.EventType);
        Assert.Contains("WorkflowNotFound", buffered.AttributesJson, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_to_another_workflow_with_a_bad_target_or_a_seq_used_twice_is_refused()
    {
        foreach (var answer in new[]
        {
            Answer(9, new SignalExternalWorkflowCommand(3, "", "paid", null)),
            Answer(9, new SignalExternalWorkflowCommand(3, "order-42", "bad name!", null)),
            Answer(9, new RequestCancelExternalWorkflowCommand(3, new string('x', 401))),
            Answer(9, new StartTimerCommand(3, TimeSpan.FromSeconds(1)), new SignalExternalWorkflowCommand(3, "order-42", "paid", null)),
        })
        {
            var effects = Decide(Snapshot(task: Task(TaskState.Dispatched)), answer);
            Assert.Contains(EventTypes.WorkflowTaskFailed, Types(effects));
            Assert.Empty(effects.ExternalRequests);
        }
    }

    [Fact]
    public void An_answer_that_completes_one_update_twice_or_without_an_id_is_refused()
    {
        var twice = Decide(Snapshot(task: Task(TaskState.Dispatched)), Answer(9, new CompleteUpdateCommand("u-1", null), new CompleteUpdateCommand("u-1", null)));
        var noId = Decide(Snapshot(task: Task(TaskState.Dispatched)), Answer(9, new CompleteUpdateCommand("", null)));

        foreach (var effects in new[] { twice, noId })
        {
            Assert.Contains(EventTypes.WorkflowTaskFailed, Types(effects));
            Assert.DoesNotContain(EventTypes.WorkflowUpdateCompleted, Types(effects));
            Assert.Empty(effects.CompletedUpdates);
        }
    }

    public static TheoryData<string> EveryTrigger => new(AllTriggers().Keys);

    private static Dictionary<string, RunTrigger> AllTriggers() => new()
    {
        ["signal"] = new SignalTrigger("s", null),
        ["update accepted"] = new UpdateAcceptedTrigger("u-1", "AddItem", null),
        ["cancel"] = new CancelRequestTrigger(null),
        ["terminate"] = new TerminateTrigger(null),
        ["workflow task completed"] = Answer(9, new CompleteWorkflowCommand(null)),
        ["workflow task failed"] = new WorkflowTaskFailedTrigger(new WorkflowTaskFailedMessage(RunId, 9, 1, new FailureInfo("X", "x"), "test")),
        ["activity completed"] = new ActivityCompletedTrigger(new ActivityTaskCompletedMessage(RunId, 5, 1, null, "test")),
        ["activity failed"] = new ActivityFailedTrigger(new ActivityTaskFailedMessage(RunId, 5, 1, new FailureInfo("X", "x"), "test")),
        ["workflow task due"] = new WorkflowTaskDueTrigger(),
        ["activity due"] = new ActivityDueTrigger(5),
        ["timers due"] = new TimersDueTrigger(),
        ["child closed"] = new ChildClosedTrigger(Guid.NewGuid()),
        ["parent closed"] = new ParentClosedTrigger(Guid.NewGuid(), RunStatus.Completed, "Terminate"),
        ["external request done"] = new ExternalRequestDoneTrigger(3, ExternalRequestRow.Signal, Guid.NewGuid(), null),
    };

    [Theory]
    [MemberData(nameof(EveryTrigger))]
    public void No_trigger_changes_a_closed_run(string name)
    {
        var snapshot = new RunSnapshot
        {
            Run = Run(status: RunStatus.Completed), Activity = Activity(), DueTimers = [new TimerTaken("t1", """{"seq":1,"startedEventId":4}""")],
        };

        Assert.True(Decide(snapshot, AllTriggers()[name]).IsEmpty, name);
    }

    [Theory]
    [MemberData(nameof(EveryTrigger))]
    public void Every_trigger_on_an_open_run_with_a_task_in_flight_keeps_the_task_or_buffers(string name)
    {
        // whatever arrives while a task is in flight: no second task is scheduled beside it, nothing external is appended
        // except by the answer of that task itself, a failure of it, a close or a due re-send
        var snapshot = new RunSnapshot
        {
            Run = Run(), Task = Task(TaskState.Dispatched) with { DispatchAfter = Now.AddSeconds(-1) }, Activity = Activity(deadline: Now.AddSeconds(-1)),
            DueTimers = [new TimerTaken("t1", """{"seq":1,"startedEventId":4}""")],
        };

        var effects = Decide(snapshot, AllTriggers()[name]);

        var scheduled = effects.Events.Count(e => e.EventType == EventTypes.WorkflowTaskScheduled);
        Assert.True(scheduled <= 1, name);
        if (name is "signal" or "cancel" or "activity completed" or "timers due" or "child closed" or "external request done")
        {
            Assert.Empty(effects.Events);
        }
    }

    [Fact]
    public void A_second_cancel_request_changes_nothing()
    {
        Assert.True(Decide(Snapshot(Run(cancelRequested: true), Task(TaskState.Idle)), new CancelRequestTrigger("again")).IsEmpty);
        var first = Decide(Snapshot(task: Task(TaskState.Idle)), new CancelRequestTrigger("first"));
        Assert.True(first.SetCancelRequested);
        Assert.Equal([EventTypes.WorkflowCancelRequested, EventTypes.WorkflowTaskScheduled], Types(first));
    }

    [Fact]
    public void Terminate_records_the_buffered_events_before_it_closes()
    {
        var effects = Decide(Snapshot(task: Task(TaskState.Dispatched), buffered: Buffered(1, EventTypes.SignalReceived, new SignalReceivedAttributes("s", null))),
            new TerminateTrigger("ops"));

        Assert.Equal([EventTypes.SignalReceived, EventTypes.WorkflowTerminated], Types(effects));
        Assert.Equal(RunStatus.Terminated, effects.Close!.Status);
        Assert.Null(effects.Task);
        Assert.True(effects.BufferedConsumed);
    }

    [Fact]
    public void An_answer_for_another_task_is_stale_and_changes_nothing()
    {
        var effects = Decide(Snapshot(task: Task(TaskState.Dispatched)), Answer(8, new CompleteWorkflowCommand(null)));

        Assert.True(effects.IsEmpty);
        Assert.Equal(DecisionNoteKind.Stale, Assert.Single(effects.Notes).Kind);
    }

    [Fact]
    public void An_answer_that_schedules_an_activity_records_it_and_sends_it_with_the_workflow_tail()
    {
        var effects = Decide(Snapshot(task: Task(TaskState.Dispatched)),
            Answer(9, new ScheduleActivityCommand(1, "Charge", J(new[] { 5 }), null, null, null, null, null, null)));

        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.ActivityScheduled], Types(effects));
        var row = Assert.Single(effects.InsertActivities);
        Assert.Equal(12, row.ScheduledEventId);
        Assert.Equal(Now + Settings.DefaultStartToCloseTimeout, row.AttemptDeadline);
        var message = Assert.Single(effects.ActivityMessages);
        Assert.Equal(12, message.ScheduledEventId);
        Assert.Equal([10L, 11, 12], message.WorkflowTail!.Select(e => e.EventId));
        Assert.Equal(TaskState.Idle, effects.Task!.State);
        Assert.Equal(10, effects.Task.EventsFrom);
        Assert.False(effects.SendTask);
    }

    [Fact]
    public void An_answer_that_closes_while_events_wait_fails_the_task_so_the_code_sees_them()
    {
        var effects = Decide(Snapshot(task: Task(TaskState.Dispatched), buffered: Buffered(1, EventTypes.SignalReceived, new SignalReceivedAttributes("s", null))),
            Answer(9, new CompleteWorkflowCommand(null)));

        Assert.Null(effects.Close);
        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskFailed, EventTypes.SignalReceived, EventTypes.WorkflowTaskScheduled], Types(effects));
        Assert.Contains("UnhandledEvents", effects.Task!.LastFailure);
        Assert.True(effects.SendTask);
    }

    [Fact]
    public void Informational_events_go_before_the_answer_and_need_no_task_of_their_own()
    {
        var failed = Buffered(1, EventTypes.ActivityAttemptFailed,
            new ActivityAttemptFailedAttributes(1, 5, 1, new FailureInfo("X", "x"), null, new DateTimeOffset(Now, TimeSpan.Zero)));

        var effects = Decide(Snapshot(task: Task(TaskState.Dispatched), buffered: failed), Answer(9, new CompleteWorkflowCommand(J("ok"))));

        Assert.Equal([EventTypes.ActivityAttemptFailed, EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.WorkflowCompleted],
            Types(effects));
        Assert.Equal(RunStatus.Completed, effects.Close!.Status);
        Assert.Equal("\"ok\"", effects.Close.Result);
    }

    [Fact]
    public void A_timer_canceled_by_the_answer_while_its_fire_waited_in_the_buffer_does_not_fire()
    {
        var fired = Buffered(1, EventTypes.TimerFired, new TimerFiredAttributes(2, 6));
        var signal = Buffered(2, EventTypes.SignalReceived, new SignalReceivedAttributes("s", null));

        var effects = Decide(Snapshot(task: Task(TaskState.Dispatched), buffered: [fired, signal]), Answer(9, new CancelTimerCommand(2)));

        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.TimerCanceled, EventTypes.SignalReceived,
            EventTypes.WorkflowTaskScheduled], Types(effects));
        Assert.Equal("t2", Assert.Single(effects.DeleteTimers));
        Assert.True(effects.BufferedConsumed);
    }

    [Fact]
    public void Every_event_taken_with_an_answer_is_recorded_buffered_again_or_a_canceled_timer_fire()
    {
        BufferedEventRow[] taken =
        [
            Buffered(1, EventTypes.SignalReceived, new SignalReceivedAttributes("a", null)),
            Buffered(2, EventTypes.TimerFired, new TimerFiredAttributes(2, 6)),
            Buffered(3, EventTypes.ActivityAttemptFailed, new ActivityAttemptFailedAttributes(1, 5, 1, new FailureInfo("X", "x"), null, default)),
        ];
        WorkflowCommand[][] answers =
        [
            [], [new CompleteWorkflowCommand(null)], [new CancelTimerCommand(2)], [new StartTimerCommand(4, TimeSpan.FromSeconds(1))],
            [new ScheduleActivityCommand(1, "A", J(Array.Empty<int>()), null, null, null, null, null, null), new CompleteWorkflowCommand(null)],
            [new StartTimerCommand(5, TimeSpan.FromSeconds(1)), new StartTimerCommand(5, TimeSpan.FromSeconds(1))], // invalid: a seq used twice
        ];
        foreach (var lastFailure in new[] { null, "{}" })
        {
            foreach (var commands in answers)
            {
                var task = Task(TaskState.Dispatched, attempt: lastFailure is null ? 1 : 2, lastFailure: lastFailure);
                var effects = Decide(Snapshot(task: task, buffered: taken), Answer(9, commands));

                var kept = effects.Events.Select(e => (e.EventType, e.AttributesJson)).Concat(effects.Buffer.Select(b => (b.EventType, b.AttributesJson))).ToList();
                foreach (var e in taken)
                {
                    var dropped = e.EventType == EventTypes.TimerFired && commands.OfType<CancelTimerCommand>().Any();
                    Assert.True(dropped || kept.Contains((e.EventType, e.AttributesJson)),
                        $"{e.EventType} lost with [{string.Join(", ", commands.Select(c => c.GetType().Name))}] (attempt {task.Attempt})");
                }
            }
        }
    }

    [Fact]
    public void A_child_whose_id_is_open_fails_at_once_and_a_new_one_is_created_with_parent_links()
    {
        var snapshot = Snapshot(task: Task(TaskState.Dispatched)) with { OpenWorkflowIds = new HashSet<string> { "busy" } };

        var effects = Decide(snapshot, Answer(9,
            new StartChildWorkflowCommand(1, "Child", "busy", null, null),
            new StartChildWorkflowCommand(2, "Child", "free", null, null)));

        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.ChildWorkflowStarted, EventTypes.ChildWorkflowFailed,
            EventTypes.WorkflowTaskScheduled, EventTypes.ChildWorkflowStarted], Types(effects));
        var child = Assert.IsType<NewRun>(Assert.Single(effects.Operations));
        Assert.Equal("free", child.Run.WorkflowId);
        Assert.Equal(RunId, child.Run.ParentRunId);
        Assert.Equal(2, child.Run.ParentSeq);
        Assert.Equal("Terminate", child.Run.ParentClosePolicy);
        Assert.NotNull(child.Message);
    }

    [Fact]
    public void Continue_as_new_after_a_cancel_request_closes_first_and_hands_the_request_on()
    {
        var effects = Decide(Snapshot(Run(cancelRequested: true), Task(TaskState.Dispatched)),
            Answer(9, new ContinueAsNewCommand(J(2), [new SignalReceivedAttributes("left", null)])));

        var close = Assert.IsType<CloseRun>(effects.Operations[0]);
        var next = Assert.IsType<NewRun>(effects.Operations[1]);
        Assert.Equal(RunStatus.ContinuedAsNew, close.Status);
        Assert.Equal(next.Run.RunId, close.NextRunId);
        Assert.Equal(RunId, next.Run.PreviousRunId);
        Assert.Equal([EventTypes.WorkflowStarted, EventTypes.SignalReceived, EventTypes.WorkflowTaskScheduled], next.Events.Select(e => e.EventType));
        Assert.True(next.CancelRequested);
        Assert.Equal(EventTypes.WorkflowCancelRequested, Assert.Single(next.Buffered!).EventType);
    }

    [Fact]
    public void A_failure_of_an_older_attempt_is_stale_and_a_retry_that_fails_again_adds_no_events()
    {
        var failure = new FailureInfo("Boom", "boom");
        Assert.True(Decide(Snapshot(task: Task(TaskState.Dispatched, attempt: 2)),
            new WorkflowTaskFailedTrigger(new WorkflowTaskFailedMessage(RunId, 9, 1, failure, "test"))).IsEmpty);

        var again = Decide(Snapshot(task: Task(TaskState.Dispatched, attempt: 2, lastFailure: "{}")),
            new WorkflowTaskFailedTrigger(new WorkflowTaskFailedMessage(RunId, 9, 2, failure, "test")));

        Assert.Empty(again.Events);
        Assert.Equal(3, again.Task!.Attempt);
        Assert.Equal(TaskState.Scheduled, again.Task.State);
        Assert.Equal(Now + TimeSpan.FromSeconds(2), again.Task.DispatchAfter);
        Assert.False(again.SendTask);
    }

    [Fact]
    public void An_activity_result_after_its_deadline_is_a_timeout_and_retried_by_policy()
    {
        var late = Activity(deadline: Now.AddSeconds(-1));

        var effects = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Idle), Activity = late },
            new ActivityCompletedTrigger(new ActivityTaskCompletedMessage(RunId, 5, 1, J("done"), "test")));

        Assert.Equal(DecisionNoteKind.LateActivityAnswer, Assert.Single(effects.Notes).Kind);
        var retry = Assert.Single(effects.UpdateActivities);
        Assert.Equal(2, retry.Attempt);
        Assert.Equal(TaskState.Scheduled, retry.State);
        Assert.Equal([EventTypes.ActivityAttemptFailed], Types(effects)); // informational: no workflow task for it
        Assert.Null(effects.Task);
    }

    [Fact]
    public void Full_jitter_of_a_retry_comes_from_the_decision_context()
    {
        const string options = """{"seq":1,"activityName":"Charge","input":[],"retryPolicy":{"initialInterval":"00:00:08","backoffCoefficient":2,"maximumInterval":"00:01:00","maximumAttempts":0,"nonRetryableErrorTypes":[],"jitter":"Full"}}""";
        var snapshot = new RunSnapshot { Run = Run(), Task = Task(TaskState.Idle), Activity = Activity(options: options) };
        var trigger = new ActivityFailedTrigger(new ActivityTaskFailedMessage(RunId, 5, 1, new FailureInfo("X", "x"), "test"));

        DateTime? RetryAt(double jitter) => Assert.Single(RunDecider.Decide(snapshot, trigger,
            new DecisionContext(Now, Settings, null, () => 7, () => jitter)).UpdateActivities).DispatchAfter;

        Assert.Equal(Now.AddSeconds(2), RetryAt(0.25));   // a quarter of the 8 s back-off
        Assert.Equal(Now.AddSeconds(6), RetryAt(0.75));
        Assert.Equal(RetryAt(0.5), RetryAt(0.5));         // the same context decides the same
    }

    [Fact]
    public void Attempt_failures_past_the_cap_are_counted_on_the_row_only()
    {
        var effects = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Idle), Activity = Activity(attempt: RunDecider.MaxRecordedAttemptFailures + 1) },
            new ActivityFailedTrigger(new ActivityTaskFailedMessage(RunId, 5, RunDecider.MaxRecordedAttemptFailures + 1, new FailureInfo("X", "x"), "test")));

        Assert.Empty(effects.Events);
        Assert.Equal(RunDecider.MaxRecordedAttemptFailures + 2, Assert.Single(effects.UpdateActivities).Attempt);
    }

    [Fact]
    public void A_due_run_timeout_closes_the_run_timed_out_with_the_buffered_events_recorded()
    {
        var snapshot = new RunSnapshot
        {
            Run = Run() with { RunTimeout = TimeSpan.FromMinutes(1) }, Task = Task(TaskState.Dispatched),
            DueTimers = [new TimerTaken(RunDecider.RunTimeoutTimerKey, "{}")], Buffered = [Buffered(1, EventTypes.SignalReceived, new SignalReceivedAttributes("s", null))],
        };

        var effects = Decide(snapshot, new TimersDueTrigger());

        Assert.Equal([EventTypes.SignalReceived, EventTypes.WorkflowTimedOut], Types(effects));
        Assert.Equal(RunStatus.TimedOut, effects.Close!.Status);
    }

    [Fact]
    public void Due_timers_fire_together_in_start_order_with_one_workflow_task()
    {
        var snapshot = new RunSnapshot
        {
            Run = Run(), Task = Task(TaskState.Idle),
            DueTimers = [new TimerTaken("t2", """{"seq":2,"startedEventId":8}"""), new TimerTaken("t1", """{"seq":1,"startedEventId":6}""")],
        };

        var effects = Decide(snapshot, new TimersDueTrigger());

        Assert.Equal([EventTypes.TimerFired, EventTypes.TimerFired, EventTypes.WorkflowTaskScheduled], Types(effects));
        Assert.Contains("\"seq\":1", effects.Events[0].AttributesJson);
    }

    [Fact]
    public void A_parent_is_told_of_a_child_once()
    {
        var childId = Guid.NewGuid();
        var child = Run(status: RunStatus.Completed) with { RunId = childId, Result = "42", ParentSeq = 3 };

        var told = Decide(Snapshot(task: Task(TaskState.Idle)) with { Child = child }, new ChildClosedTrigger(childId));
        var again = Decide(Snapshot(task: Task(TaskState.Idle)) with { Child = child with { ParentNotified = true } }, new ChildClosedTrigger(childId));

        Assert.Equal([EventTypes.ChildWorkflowCompleted, EventTypes.WorkflowTaskScheduled], Types(told));
        Assert.Equal(childId, Assert.Single(told.MarkParentNotified));
        Assert.True(again.IsEmpty);
    }

    [Fact]
    public void A_parent_close_terminates_or_asks_to_cancel_by_policy()
    {
        var parent = Guid.NewGuid();
        var snapshot = Snapshot(Run(parent: parent), Task(TaskState.Idle));

        var terminated = Decide(snapshot, new ParentClosedTrigger(parent, RunStatus.Completed, "Terminate"));
        var asked = Decide(snapshot, new ParentClosedTrigger(parent, RunStatus.Completed, "RequestCancel"));
        var abandoned = Decide(snapshot, new ParentClosedTrigger(parent, RunStatus.Completed, "Abandon"));
        var notMine = Decide(snapshot, new ParentClosedTrigger(Guid.NewGuid(), RunStatus.Completed, "Terminate"));

        Assert.Equal(RunStatus.Terminated, terminated.Close!.Status);
        Assert.Equal(RunId, Assert.Single(terminated.MarkParentNotified));
        Assert.True(asked.SetCancelRequested);
        Assert.Null(asked.Close);
        Assert.True(abandoned.IsEmpty);
        Assert.True(notMine.IsEmpty);
    }

    [Fact]
    public void An_overdue_task_is_sent_as_a_new_attempt_with_a_doubled_timeout_that_expires_from_the_queue()
    {
        var overdue = Task(TaskState.Dispatched) with { DispatchAfter = Now.AddSeconds(-1) };

        var effects = Decide(Snapshot(task: overdue), new WorkflowTaskDueTrigger());

        Assert.Equal(2, effects.Task!.Attempt);
        Assert.Equal(1, effects.Task.Timeouts);
        Assert.Equal(Now + Settings.WorkflowTaskTimeout * 2, effects.Task.DispatchAfter);
        Assert.Equal(Settings.WorkflowTaskTimeout * 2, effects.TaskTimeToLive);
        Assert.True(effects.SendTask);
        Assert.Empty(effects.Events);
    }

    [Fact]
    public void An_unconfirmed_send_is_sent_again_as_the_same_attempt()
    {
        var unsent = Task(TaskState.Dispatched) with { Sent = false, DispatchedAt = Now - Settings.ResendUnsentWorkflowTaskAfter };

        var effects = Decide(Snapshot(task: unsent), new WorkflowTaskDueTrigger());

        Assert.Equal(1, effects.Task!.Attempt);
        Assert.Equal(unsent.DispatchAfter, effects.Task.DispatchAfter);
        Assert.True(effects.SendTask);
        Assert.True(Decide(Snapshot(task: unsent with { DispatchedAt = Now }), new WorkflowTaskDueTrigger()).IsEmpty);
    }

    [Fact]
    public void A_start_creates_the_run_its_first_task_message_and_its_run_timeout()
    {
        var created = RunDecider.Start(new StartWorkflowRequest("Order", "o-1", null, J(new { id = 1 }), TimeSpan.FromHours(1)), Context());

        Assert.Equal("default", created.Run.TaskQueue);
        Assert.Equal([EventTypes.WorkflowStarted, EventTypes.WorkflowTaskScheduled], created.Events.Select(e => e.EventType));
        Assert.Equal(2, created.Task.ScheduledEventId);
        Assert.Equal(Now.AddHours(1), created.RunTimeout!.FireAt);
        Assert.Equal(2, created.Message!.Events.Count);
        Assert.Contains("\"randomSeed\":7", created.Events[0].AttributesJson);
    }

    [Fact]
    public void A_signal_with_start_puts_the_signal_between_WorkflowStarted_and_the_first_task_so_the_task_carries_it()
    {
        var created = RunDecider.Start(new StartWorkflowRequest("Cart", "c-1", "shop", J(new { id = 1 })), Context(), new SignalTrigger("AddItem", J(new { sku = "pen" })));

        Assert.Equal([EventTypes.WorkflowStarted, EventTypes.SignalReceived, EventTypes.WorkflowTaskScheduled], created.Events.Select(e => e.EventType));
        Assert.Contains("\"signalName\":\"AddItem\"", created.Events[1].AttributesJson);
        Assert.Contains("\"sku\":\"pen\"", created.Events[1].AttributesJson);
        Assert.Equal(3, created.Task.ScheduledEventId);
        Assert.Equal([EventTypes.WorkflowStarted, EventTypes.SignalReceived, EventTypes.WorkflowTaskScheduled], created.Message!.Events.Select(e => e.EventType));
    }

    [Fact]
    public void ActivityStarted_carries_the_start_the_worker_reported_appended_or_buffered()
    {
        var reported = new DateTimeOffset(Now.AddMilliseconds(-700), TimeSpan.Zero);
        var answer = new ActivityCompletedTrigger(new ActivityTaskCompletedMessage(RunId, 5, 1, J("done"), "test", StartedAt: reported));

        var idle = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Idle), Activity = Activity() }, answer);
        var inFlight = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Dispatched), Activity = Activity() }, answer);

        Assert.Equal([EventTypes.ActivityStarted, EventTypes.ActivityCompleted, EventTypes.WorkflowTaskScheduled], Types(idle));
        Assert.Equal(reported, idle.Events[0].Timestamp);
        Assert.Equal(new DateTimeOffset(Now, TimeSpan.Zero), idle.Events[1].Timestamp);
        Assert.Equal(reported.UtcDateTime, inFlight.Buffer[0].OccurredAt);
        Assert.Null(inFlight.Buffer[1].OccurredAt);
    }

    [Theory]
    [InlineData(3600, 0)]      // a worker clock an hour ahead: now
    [InlineData(-3600, -1)]    // before the attempt was sent: its send
    public void A_reported_start_outside_the_attempt_is_kept_within_it(int offsetSeconds, int expectedSecondsFromNow)
    {
        var activity = Activity(); // sent 1 s before now
        var answer = new ActivityCompletedTrigger(new ActivityTaskCompletedMessage(RunId, 5, 1, null, "test",
            StartedAt: new DateTimeOffset(Now.AddSeconds(offsetSeconds), TimeSpan.Zero)));

        var effects = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Idle), Activity = activity }, answer);

        Assert.Equal(new DateTimeOffset(Now.AddSeconds(expectedSecondsFromNow), TimeSpan.Zero), effects.Events[0].Timestamp);
    }

    [Fact]
    public void A_final_failure_records_the_attempt_start_it_reported()
    {
        var noRetry = RunDecision.Json(new ActivityScheduledAttributes(1, "Charge", J(Array.Empty<int>()), null, null, null, null, null,
            new RetryPolicyInfo(TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(10), 1, [])));
        var reported = new DateTimeOffset(Now.AddMilliseconds(-300), TimeSpan.Zero);

        var effects = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Idle), Activity = Activity(options: noRetry) },
            new ActivityFailedTrigger(new ActivityTaskFailedMessage(RunId, 5, 1, new FailureInfo("X", "x"), "test", reported)));

        Assert.Equal([EventTypes.ActivityStarted, EventTypes.ActivityFailed, EventTypes.WorkflowTaskScheduled], Types(effects));
        Assert.Equal(reported, effects.Events[0].Timestamp);
    }
}
