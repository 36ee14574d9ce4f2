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
/// Canceling one activity (<see cref="RequestCancelActivityCommand"/>) and the options of child workflows, decided on
/// hand-built snapshots: what history shows, which rows change, and that a canceled activity is never retried and its late
/// outcome never reaches the code.
/// </summary>
public sealed class CancellationDeciderTests
{
    private static readonly DateTime Now = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);
    private static readonly EngineSettings Settings = new();
    private static readonly Guid RunId = Guid.Parse("0193a000-0000-7000-8000-0000000000c1");

    private static int _ids;

    private static DecisionContext Context() =>
        new(Now, Settings, () => Guid.Parse($"0193a000-0000-7000-8000-{Interlocked.Increment(ref _ids):D12}"), () => 7, () => 0.5);

    private static WorkflowRunRecord Run() => new()
    {
        RunId = RunId, WorkflowId = "wf-c", WorkflowType = "Charge", TaskQueue = "q", Status = RunStatus.Running, StartedAt = Now.AddMinutes(-1), NextEventId = 10,
    };

    private static WorkflowTaskRow Task(string state) => new()
    {
        RunId = RunId, ScheduledEventId = 9, Attempt = 1, TaskQueue = "q", EventsFrom = state == TaskState.Idle ? 10 : 1, State = state,
        DispatchAfter = Now.AddSeconds(5), Sent = true, DispatchedAt = Now.AddSeconds(-5),
    };

    private static ActivityTaskRow Activity(string state = TaskState.Dispatched, int attempt = 1, DateTime? dispatchAfter = null) => new()
    {
        RunId = RunId, ScheduledEventId = 5, Seq = 1, ActivityName = "Charge", TaskQueue = "q", Input = "[]",
        Options = """{"seq":1,"activityName":"Charge","input":[],"retryPolicy":{"maximumAttempts":5}}""", Attempt = attempt, State = state,
        ScheduledAt = Now.AddSeconds(-30), StartedAt = Now.AddSeconds(-1), DispatchAfter = dispatchAfter ?? Now.AddMinutes(5), AttemptDeadline = Now.AddMinutes(5),
    };

    private static RunEffects Decide(RunSnapshot snapshot, RunTrigger trigger) => RunDecider.Decide(snapshot, trigger, Context());

    private static WorkflowTaskCompletedTrigger Answer(params WorkflowCommand[] commands) => new(new WorkflowTaskCompletedMessage(RunId, 9, 1, commands, "test"));

    private static string[] Types(RunEffects effects) => effects.Events.Select(e => e.EventType).ToArray();

    private static T Attributes<T>(string json) => JsonSerializer.Deserialize<T>(json, HistoryJson.Options)!;

    [Fact]
    public void Canceling_a_running_attempt_records_the_request_and_turns_its_row_canceling_without_closing_it()
    {
        var effects = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Dispatched), CanceledActivities = [Activity()] },
            Answer(new RequestCancelActivityCommand(1)));

        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.ActivityCancelRequested], Types(effects));
        Assert.Equal((1, (long?)5), (Attributes<ActivityCancelRequestedAttributes>(effects.Events[2].AttributesJson).Seq,
            Attributes<ActivityCancelRequestedAttributes>(effects.Events[2].AttributesJson).ScheduledEventId));
        var row = Assert.Single(effects.UpdateActivities);
        Assert.Equal(TaskState.Canceling, row.State);
        Assert.Equal(Now.AddMinutes(5), row.DispatchAfter); // its timeouts still apply
        Assert.Empty(effects.DeleteActivities);
        Assert.Empty(effects.ActivityMessages);
        Assert.False(effects.SendTask); // nothing new for the code until the activity closes
    }

    [Fact]
    public void Canceling_an_activity_that_waits_to_retry_closes_it_at_once_and_wakes_the_code()
    {
        var effects = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Dispatched), CanceledActivities = [Activity(TaskState.Scheduled, attempt: 3)] },
            Answer(new RequestCancelActivityCommand(1)));

        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.ActivityCancelRequested, EventTypes.ActivityCanceled,
            EventTypes.WorkflowTaskScheduled], Types(effects));
        var canceled = Attributes<ActivityCanceledAttributes>(effects.Events[3].AttributesJson);
        Assert.Equal((1, 5L, 0), (canceled.Seq, canceled.ScheduledEventId, canceled.Attempt));
        Assert.Equal([5L], effects.DeleteActivities);
        Assert.True(effects.SendTask);
    }

    [Fact]
    public void The_outcome_of_a_canceled_activity_that_closed_while_the_task_was_in_flight_is_replaced_by_ActivityCanceled()
    {
        var started = new BufferedEventRow(1, EventTypes.ActivityStarted, RunDecision.Json(new ActivityStartedAttributes(1, 5, 1)));
        var completed = new BufferedEventRow(2, EventTypes.ActivityCompleted, RunDecision.Json(new ActivityCompletedAttributes(1, 5, JsonSerializer.SerializeToElement("receipt"))));
        var signal = new BufferedEventRow(3, EventTypes.SignalReceived, RunDecision.Json(new SignalReceivedAttributes("go", null)));
        var effects = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Dispatched), Buffered = [started, completed, signal] },
            Answer(new RequestCancelActivityCommand(1)));

        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.ActivityCancelRequested, EventTypes.ActivityCanceled,
            EventTypes.SignalReceived, EventTypes.WorkflowTaskScheduled], Types(effects));
        Assert.Null(Attributes<ActivityCancelRequestedAttributes>(effects.Events[2].AttributesJson).ScheduledEventId);
        Assert.DoesNotContain("receipt", effects.Events[3].AttributesJson, StringComparison.Ordinal);
        Assert.Equal((1, 5L), (Attributes<ActivityCanceledAttributes>(effects.Events[3].AttributesJson).Seq,
            Attributes<ActivityCanceledAttributes>(effects.Events[3].AttributesJson).ScheduledEventId));
    }

    [Fact]
    public void A_late_result_of_a_canceling_attempt_is_dropped_and_the_activity_closes_canceled()
    {
        var effects = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Idle), Activity = Activity(TaskState.Canceling) },
            new ActivityCompletedTrigger(new ActivityTaskCompletedMessage(RunId, 5, 1, JsonSerializer.SerializeToElement("receipt"), "test")));

        Assert.Equal([EventTypes.ActivityCanceled, EventTypes.WorkflowTaskScheduled], Types(effects));
        Assert.DoesNotContain("receipt", effects.Events[0].AttributesJson, StringComparison.Ordinal);
        Assert.Contains("dropped", Attributes<ActivityCanceledAttributes>(effects.Events[0].AttributesJson).Detail, StringComparison.Ordinal);
        Assert.Equal([5L], effects.DeleteActivities);
    }

    [Fact]
    public void A_canceling_attempt_that_acknowledges_or_fails_closes_canceled_and_is_never_retried()
    {
        var acknowledged = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Idle), Activity = Activity(TaskState.Canceling) },
            new ActivityFailedTrigger(new ActivityTaskFailedMessage(RunId, 5, 1, new FailureInfo(ActivityFailureTypes.Canceled, "stopped"), "test")));
        var failed = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Dispatched), Activity = Activity(TaskState.Canceling) },
            new ActivityFailedTrigger(new ActivityTaskFailedMessage(RunId, 5, 1, new FailureInfo("IOException", "disk"), "test")));

        Assert.Equal([EventTypes.ActivityCanceled, EventTypes.WorkflowTaskScheduled], Types(acknowledged));
        Assert.Contains("acknowledged", Attributes<ActivityCanceledAttributes>(acknowledged.Events[0].AttributesJson).Detail, StringComparison.Ordinal);
        Assert.Equal(EventTypes.ActivityCanceled, Assert.Single(failed.Buffer).EventType); // the task in flight sees it next
        foreach (var effects in new[] { acknowledged, failed })
        {
            Assert.Empty(effects.UpdateActivities); // no retry scheduled
            Assert.Empty(effects.ActivityMessages);
            Assert.Equal([5L], effects.DeleteActivities);
        }
    }

    [Fact]
    public void A_canceling_attempt_that_passes_its_timeout_closes_canceled_and_an_answer_of_another_attempt_changes_nothing()
    {
        var due = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Idle), Activity = Activity(TaskState.Canceling, dispatchAfter: Now.AddSeconds(-1)) },
            new ActivityDueTrigger(5));
        var stale = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Idle), Activity = Activity(TaskState.Canceling, attempt: 2) },
            new ActivityCompletedTrigger(new ActivityTaskCompletedMessage(RunId, 5, 1, null, "test")));

        Assert.Equal([EventTypes.ActivityCanceled, EventTypes.WorkflowTaskScheduled], Types(due));
        Assert.Empty(due.UpdateActivities);
        Assert.True(stale.IsEmpty);
    }

    [Fact]
    public void A_second_request_for_a_canceling_activity_records_it_and_changes_nothing_else()
    {
        var effects = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Dispatched), CanceledActivities = [Activity(TaskState.Canceling)] },
            Answer(new RequestCancelActivityCommand(1)));

        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.ActivityCancelRequested], Types(effects));
        Assert.Empty(effects.UpdateActivities);
        Assert.Empty(effects.DeleteActivities);
    }

    [Fact]
    public void A_cancel_request_with_a_bad_seq_is_refused()
    {
        var effects = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Dispatched) }, Answer(new RequestCancelActivityCommand(0)));

        Assert.Contains(EventTypes.WorkflowTaskFailed, Types(effects));
        Assert.DoesNotContain(EventTypes.ActivityCancelRequested, Types(effects));
    }

    [Fact]
    public void A_child_gets_its_run_timeout_retry_policy_and_execution_deadline_and_its_timer_fires_at_the_sooner()
    {
        var retry = new RetryPolicyInfo(TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(1), 3, []);
        var effects = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Dispatched) }, Answer(
            new StartChildWorkflowCommand(2, "Ship", "ship-1", null, null, RunTimeout: TimeSpan.FromMinutes(10), ExecutionTimeout: TimeSpan.FromMinutes(3),
                RetryPolicy: retry)));

        var child = Assert.IsType<NewRun>(Assert.Single(effects.Operations));
        Assert.Equal(TimeSpan.FromMinutes(10), child.Run.RunTimeout);
        Assert.Equal(Now.AddMinutes(3), child.Run.ExecutionDeadline);
        Assert.Equal(3, JsonSerializer.Deserialize<RetryPolicyInfo>(child.Run.RetryPolicy!, HistoryJson.Options)!.MaximumAttempts);
        Assert.Equal(Now.AddMinutes(3), child.RunTimeout!.FireAt);

        var longer = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Dispatched) }, Answer(
            new StartChildWorkflowCommand(2, "Ship", "ship-1", null, null, RunTimeout: TimeSpan.FromMinutes(1), ExecutionTimeout: TimeSpan.FromMinutes(3))));
        Assert.Equal(Now.AddMinutes(1), Assert.IsType<NewRun>(Assert.Single(longer.Operations)).RunTimeout!.FireAt);
    }

    [Theory]
    [InlineData("RejectDuplicate", RunStatus.Failed, false)]
    [InlineData("RejectDuplicate", null, true)]
    [InlineData("AllowDuplicateFailedOnly", RunStatus.Completed, false)]
    [InlineData("AllowDuplicateFailedOnly", RunStatus.Failed, true)]
    [InlineData(null, RunStatus.Completed, true)]
    public void A_childs_id_reuse_policy_decides_whether_a_closed_runs_id_starts_again(string? policy, string? latest, bool starts)
    {
        var snapshot = new RunSnapshot
        {
            Run = Run(), Task = Task(TaskState.Dispatched),
            LatestRunStatuses = latest is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["ship-1"] = latest },
        };
        var effects = Decide(snapshot, Answer(new StartChildWorkflowCommand(2, "Ship", "ship-1", null, null, IdReusePolicy: policy)));

        Assert.Equal(starts, effects.Operations.OfType<NewRun>().Any());
        if (!starts)
        {
            var failed = effects.Events.Single(e => e.EventType == EventTypes.ChildWorkflowFailed);
            Assert.Equal("WorkflowAlreadyStarted", Attributes<ChildWorkflowFailedAttributes>(failed.AttributesJson).Failure.Type);
        }
    }

    [Fact]
    public void Child_options_out_of_range_are_refused()
    {
        foreach (var command in new[]
        {
            new StartChildWorkflowCommand(2, "Ship", "ship-1", null, null, RunTimeout: TimeSpan.FromSeconds(-1)),
            new StartChildWorkflowCommand(2, "Ship", "ship-1", null, null, ExecutionTimeout: TimeSpan.FromDays(100_000)),
            new StartChildWorkflowCommand(2, "Ship", "ship-1", null, null, IdReusePolicy: "Sometimes"),
            new StartChildWorkflowCommand(2, "Ship", "ship-1", null, null, RetryPolicy: new RetryPolicyInfo(TimeSpan.FromSeconds(1), 0.5, TimeSpan.FromMinutes(1), 3, [])),
        })
        {
            var effects = Decide(new RunSnapshot { Run = Run(), Task = Task(TaskState.Dispatched) }, Answer(command));
            Assert.Contains(EventTypes.WorkflowTaskFailed, Types(effects));
            Assert.Empty(effects.Operations.OfType<NewRun>());
        }
    }
}
