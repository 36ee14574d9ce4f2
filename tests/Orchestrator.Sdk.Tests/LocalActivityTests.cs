using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary>
/// Local activities in the runtime and the worker's driver (through the engine simulator, every task also answered cold):
/// one marker each, never run on replay, retried inside the task or after a durable timer, within the task's time, and
/// matched by seq on replay.
/// </summary>
public sealed class LocalActivityTests
{
    private static EngineSimulator Sim(Type workflow, object? input = null) =>
        new(workflow, input) { Activities = FakeActivities.Default, LocalActivities = FakeLocalActivities.Default };

    private static List<(HistoryEvent Event, LocalActivityMarkerDetails Details)> Markers(EngineSimulator sim) => sim.History
        .Where(e => e.EventType == EventTypes.MarkerRecorded && e.Attributes.GetProperty("markerName").GetString() == LocalActivityMarkerDetails.MarkerName)
        .Select(e => (e, e.Attributes.GetProperty("details").Deserialize<LocalActivityMarkerDetails>(HistoryJson.Options)!))
        .ToList();

    private static int Result(EngineSimulator sim) => Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetInt32();

    [Fact(Timeout = Limit)]
    public Task AChainOfLocalActivities_RunsInOneTask_WithOneMarkerEach() => Bounded(() =>
    {
        var sim = Sim(typeof(LocalChainWorkflow), 50);

        var commands = sim.RunTask();

        Assert.True(sim.IsClosed);
        Assert.Equal(50, Result(sim));
        Assert.Equal(51, commands.Count);
        Assert.All(commands.Take(50), c => Assert.Equal(LocalActivityMarkerDetails.MarkerName, Assert.IsType<RecordMarkerCommand>(c).MarkerName));
        var markers = Markers(sim);
        Assert.Equal(Enumerable.Range(1, 50), markers.Select(m => m.Details.Seq));
        Assert.All(markers, m => Assert.Equal(("Add", 1), (m.Details.ActivityName, m.Details.Attempts)));
        Assert.Equal(Enumerable.Range(1, 50), markers.Select(m => m.Details.Result!.Value.GetInt32()));
        Assert.Equal(50, sim.LocalActivityAttempts);
        Assert.Single(sim.History, e => e.EventType == EventTypes.WorkflowTaskCompleted);
        Assert.DoesNotContain(sim.History, e => e.EventType is EventTypes.ActivityScheduled or EventTypes.TimerStarted);
    });

    [Fact(Timeout = Limit)]
    public Task Replay_NeverRunsALocalActivity_AndGivesTheRecordedResults() => Bounded(() =>
    {
        var sim = Sim(typeof(LocalThenRemoteWorkflow));
        sim.RunToEnd();
        Assert.Equal(13, Result(sim));
        var attempts = sim.LocalActivityAttempts;
        Assert.Equal(3, attempts);

        // replayed cold, with activities that would now answer otherwise: the recorded results count, nothing runs
        var replayed = 0;
        sim.LocalActivities = (_, _, _) => { replayed++; return 999; };
        WorkflowReplayer.ReplayAsync<LocalThenRemoteWorkflow>(sim.ToHistoryJson()).GetAwaiter().GetResult();
        var instance = sim.NewInstance();
        var last = instance.Replay(sim.History.ToList());
        Assert.Equal(13, Assert.IsType<CompleteWorkflowCommand>(last[^1]).Result!.Value.GetInt32());
        Assert.Empty(instance.LocalActivitiesToRun());
        Assert.Equal(0, replayed);
        Assert.Equal(attempts, sim.LocalActivityAttempts);
        // local and ordinary calls share the seq counter: local 1, activity 2, local 3 and 4
        Assert.Equal([1, 3, 4], Markers(sim).Select(m => m.Details.Seq));
        Assert.Equal(2, sim.History.Single(e => e.EventType == EventTypes.ActivityScheduled).Attributes.GetProperty("seq").GetInt32());
    });

    [Fact(Timeout = Limit)]
    public Task LocalActivitiesAwaitedTogether_RunInOneRound_RecordedInSeqOrder() => Bounded(() =>
    {
        var sim = Sim(typeof(ParallelLocalWorkflow));

        var first = sim.RunTask();

        // ScheduleActivity (seq 3) came from the code before the round; the round's markers follow in seq order, then the next round's
        Assert.Equal(["ScheduleActivity 3", "localActivity 1", "localActivity 2", "localActivity 4", "localActivity 5"],
            first.Select(c => c switch
            {
                ScheduleActivityCommand s => $"ScheduleActivity {s.Seq}",
                RecordMarkerCommand m => $"{m.MarkerName} {m.Details!.Value.GetProperty("seq").GetInt32()}",
                _ => c.GetType().Name,
            }));
        sim.RunToEnd();
        Assert.Equal(2 + 4 + 3 + 7, Result(sim));
        WorkflowReplayer.ReplayAsync<ParallelLocalWorkflow>(sim.ToHistoryJson()).GetAwaiter().GetResult();
    });

    [Fact(Timeout = Limit)]
    public Task ShortBackOffs_AreRetriedInsideTheTask_AndRecordedOnce() => Bounded(() =>
    {
        var sim = Sim(typeof(LocalRetryWorkflow), new LocalRetryInput(FailTimes: 2, InitialInterval: TimeSpan.FromSeconds(1)));

        sim.RunTask();

        Assert.Equal("ok after 3", Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetString());
        var marker = Assert.Single(Markers(sim)).Details;
        Assert.Equal((1, "Flaky", 3), (marker.Seq, marker.ActivityName, marker.Attempts));
        Assert.Null(marker.Failure);
        Assert.NotNull(marker.FirstAttemptAt); // retried: when its first attempt began
        Assert.Equal(3, sim.LocalActivityAttempts);
        Assert.DoesNotContain(sim.History, e => e.EventType == EventTypes.TimerStarted);
    });

    [Fact(Timeout = Limit)]
    public Task ALongBackOff_IsADurableTimer_AndTheNextAttemptRunsWhenItFires() => Bounded(() =>
    {
        var sim = Sim(typeof(LocalRetryWorkflow), new LocalRetryInput(FailTimes: 1, InitialInterval: TimeSpan.FromMinutes(2)));

        var first = sim.RunTask();

        var backoff = Assert.IsType<RecordMarkerCommand>(first[0]).Details!.Value.Deserialize<LocalActivityMarkerDetails>(HistoryJson.Options)!;
        Assert.Equal((1, 1, TimeSpan.FromMinutes(2), 2), (backoff.Seq, backoff.Attempts, backoff.Backoff!.Value, backoff.TimerSeq!.Value));
        Assert.Equal("attempt 1 failed", backoff.Failure!.Message);
        var timer = Assert.IsType<StartTimerCommand>(first[1]);
        Assert.Equal((2, TimeSpan.FromMinutes(2)), (timer.Seq, timer.Duration));
        Assert.Equal(2, first.Count);
        Assert.False(sim.IsClosed);

        sim.FireTimer(2);
        sim.RunTask();

        Assert.Equal("ok after 2", Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetString());
        var done = Markers(sim)[1].Details;
        Assert.Equal((1, 2, backoff.FirstAttemptAt), (done.Seq, done.Attempts, done.FirstAttemptAt));
        Assert.Equal(2, sim.LocalActivityAttempts);
        WorkflowReplayer.ReplayAsync<LocalRetryWorkflow>(sim.ToHistoryJson()).GetAwaiter().GetResult();
    });

    [Fact(Timeout = Limit)]
    public Task AShortBackOffThatWouldPassTheTasksTime_IsADurableTimerToo() => Bounded(() =>
    {
        var sim = Sim(typeof(LocalRetryWorkflow), new LocalRetryInput(FailTimes: 1, InitialInterval: TimeSpan.FromSeconds(5)));
        sim.LocalActivityDuration = TimeSpan.FromSeconds(4); // 4 s + a 5 s back-off > the task's 8 s

        var first = sim.RunTask();

        Assert.Equal(TimeSpan.FromSeconds(5), Assert.IsType<StartTimerCommand>(first[1]).Duration);
        sim.RunToEnd();
        Assert.Equal("ok after 2", Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetString());
    });

    [Fact(Timeout = Limit)]
    public Task AFailureForGood_ReachesTheWorkflow_AsActivityFailedException_AndIsRecorded() => Bounded(() =>
    {
        var sim = Sim(typeof(LocalRetryWorkflow), new LocalRetryInput(FailTimes: -1, InitialInterval: TimeSpan.FromSeconds(1)));

        sim.RunTask();

        Assert.Equal("failed Flaky CardDeclinedException after 1: declined for good", Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetString());
        var marker = Assert.Single(Markers(sim)).Details;
        Assert.Equal(("CardDeclinedException", 1), (marker.Failure!.Type, marker.Attempts));
        Assert.Null(marker.Result);
        WorkflowReplayer.ReplayAsync<LocalRetryWorkflow>(sim.ToHistoryJson()).GetAwaiter().GetResult();
    });

    [Fact(Timeout = Limit)]
    public Task MaximumAttempts_EndTheRetriesInsideTheTask() => Bounded(() =>
    {
        var sim = Sim(typeof(LocalRetryWorkflow), new LocalRetryInput(FailTimes: 10, InitialInterval: TimeSpan.FromMilliseconds(10), MaximumAttempts: 3));

        sim.RunTask();

        Assert.Equal("failed Flaky InvalidOperationException after 3: attempt 3 failed", Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetString());
        Assert.Equal(3, sim.LocalActivityAttempts);
    });

    [Fact(Timeout = Limit)]
    public Task AnAttemptPastItsStartToCloseTimeout_TimesOut_AndIsRetried() => Bounded(() =>
    {
        var sim = Sim(typeof(LocalRetryWorkflow), new LocalRetryInput(FailTimes: 0, InitialInterval: TimeSpan.FromMilliseconds(100), MaximumAttempts: 2,
            StartToClose: TimeSpan.FromSeconds(1)));
        sim.LocalActivityDuration = TimeSpan.FromSeconds(2);

        sim.RunTask();

        Assert.StartsWith("failed Flaky ActivityTimedOut after 2: ", Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetString(), StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task ScheduleToCloseTimeout_EndsTheRetries_WhenTheNextAttemptWouldStartAfterIt() => Bounded(() =>
    {
        var sim = Sim(typeof(LocalRetryWorkflow), new LocalRetryInput(FailTimes: 10, InitialInterval: TimeSpan.FromMinutes(1), Threshold: TimeSpan.FromMinutes(5),
            ScheduleToClose: TimeSpan.FromMinutes(2)));

        var first = sim.RunTask(); // attempt 1 fails; a 1-minute back-off is a timer (it does not fit in the task's 8 s)
        Assert.IsType<StartTimerCommand>(first[1]);
        sim.Advance(TimeSpan.FromMinutes(1));
        sim.FireTimer(2);
        sim.RunTask(); // attempt 2 fails at ~1 min; the next would start at ~2 min: the limit

        Assert.Equal("failed Flaky InvalidOperationException after 2: attempt 2 failed", Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetString());
    });

    [Fact(Timeout = Limit)]
    public Task AChainLongerThanTheTasksTime_AnswersBeforeIt_AndContinuesInNewTasks() => Bounded(() =>
    {
        var sim = Sim(typeof(LocalChainWorkflow), 25);
        sim.LocalActivityDuration = TimeSpan.FromMilliseconds(100);
        sim.LocalActivityBudget = TimeSpan.FromSeconds(1);

        sim.RunToEnd();

        Assert.Equal(25, Result(sim));
        Assert.Equal(3, sim.CommandsPerTask.Count);
        Assert.Equal([11, 11, 6], sim.CommandsPerTask.Select(c => c.Count)); // 10 markers + ContinueInNewTask, twice; 5 markers + CompleteWorkflow
        Assert.IsType<ContinueInNewTaskCommand>(sim.CommandsPerTask[0][^1]);
        Assert.IsType<ContinueInNewTaskCommand>(sim.CommandsPerTask[1][^1]);
        Assert.Equal(Enumerable.Range(1, 25), Markers(sim).Select(m => m.Details.Seq));
        Assert.Equal(25, sim.LocalActivityAttempts);
        // no event for ContinueInNewTask: the next WorkflowTaskScheduled follows the markers at once
        var markersEnd = sim.History.ToList().FindLastIndex(e => e.EventType == EventTypes.MarkerRecorded && RecordedMarkers.Seq(e) == 10);
        Assert.Equal(EventTypes.WorkflowTaskScheduled, sim.History[markersEnd + 1].EventType);
        WorkflowReplayer.ReplayAsync<LocalChainWorkflow>(sim.ToHistoryJson()).GetAwaiter().GetResult();
    });

    [Fact(Timeout = Limit)]
    public Task ALocalActivityThisWorkerDoesNotHave_FailsTheTask_NotTheWorkflow() => Bounded(() =>
    {
        var sim = Sim(typeof(LocalChainWorkflow), 2);
        sim.UnregisteredActivities.Add("Add");

        var failed = Assert.Throws<WorkflowTaskFailedException>(() => sim.RunTask());

        Assert.Equal("ActivityNotRegisteredException", failed.Failure.Type);
        Assert.Contains("'Add'", failed.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, sim.LocalActivityAttempts);
    });

    [Fact(Timeout = Limit)]
    public Task ACancelRequest_WhileALocalActivityWaitsForItsBackOffTimer_CancelsTheTimerAndTheWait() => Bounded(() =>
    {
        var sim = Sim(typeof(LocalRetryWorkflow), new LocalRetryInput(FailTimes: 5, InitialInterval: TimeSpan.FromMinutes(10)));
        sim.RunTask();

        sim.RequestCancel();
        var commands = sim.RunTask();

        Assert.Equal(2, Assert.IsType<CancelTimerCommand>(commands[0]).Seq);
        Assert.IsType<CancelWorkflowCommand>(commands[^1]);
        Assert.Equal(1, sim.LocalActivityAttempts);
    });

    [Fact(Timeout = Limit)]
    public Task AnotherLocalActivityAtTheSeq_IsNonDeterminism_NamingBoth() => Bounded(() =>
    {
        var sim = Sim(typeof(TallyV1));
        sim.RunToEnd();

        var ex = Assert.Throws<NonDeterminismException>(() => WorkflowReplayer.ReplayAsync<TallyOtherLocalActivity>(sim.ToHistoryJson()).GetAwaiter().GetResult());

        Assert.Contains("history holds MarkerRecorded ('localActivity', seq 1, activity 'Add')", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the workflow code called local activity 'echo' (seq 1)", ex.Message, StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task AnOrdinaryActivityWhereHistoryHasALocalOne_AndTheOtherWayRound_AreNonDeterminism_NamingBoth() => Bounded(() =>
    {
        var local = Sim(typeof(TallyV1));
        local.RunToEnd();
        var ordinary = Sim(typeof(TallyOrdinaryActivity));
        ordinary.RunToEnd();

        var toOrdinary = Assert.Throws<NonDeterminismException>(() => WorkflowReplayer.ReplayAsync<TallyOrdinaryActivity>(local.ToHistoryJson()).GetAwaiter().GetResult());
        var toLocal = Assert.Throws<NonDeterminismException>(() => WorkflowReplayer.ReplayAsync<TallyV1>(ordinary.ToHistoryJson()).GetAwaiter().GetResult());

        Assert.Contains("history holds MarkerRecorded ('localActivity', seq 1, activity 'Add') but the workflow code produced ScheduleActivity (seq 1, activity 'Add')",
            toOrdinary.Message, StringComparison.Ordinal);
        Assert.Contains("history holds ActivityScheduled (seq 1, activity 'Add') but the workflow code called local activity 'Add' (seq 1)", toLocal.Message, StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task ARunningLocalActivity_IsListedByStackTrace_AsLocalActivity() => Bounded(() =>
    {
        var sim = Sim(typeof(LocalRetryWorkflow), new LocalRetryInput(FailTimes: 1, InitialInterval: TimeSpan.FromMinutes(2)));
        sim.RunTask(); // waits for its back-off timer

        var instance = sim.NewInstance();
        instance.Replay(sim.History.ToList());
        var wait = Assert.Single(instance.Waits());

        Assert.Equal(("localActivity", "Flaky", 1), (wait.Kind, wait.Name, wait.Seq));
        Assert.StartsWith("LocalActivityWorkflows.cs:", wait.Location, StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task ContinueInNewTask_AndTheMarkersDetails_RoundTripAsJson() => Bounded(() =>
    {
        var json = HistoryJson.SerializeCommands([new ContinueInNewTaskCommand()]);
        Assert.Equal("""[{"type":"ContinueInNewTask"}]""", json);
        Assert.IsType<ContinueInNewTaskCommand>(Assert.Single(JsonSerializer.Deserialize<List<WorkflowCommand>>(json, HistoryJson.Options)!));

        var backoff = new LocalActivityMarkerDetails(3, "Hash", 2, null, new Orchestrator.Contracts.FailureInfo("TimeoutException", "slow"), TimeSpan.FromMinutes(2), 4,
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var text = JsonSerializer.Serialize(backoff, HistoryJson.Options);
        Assert.StartsWith("""{"seq":3,"activityName":"Hash","attempts":2,"failure":{""", text, StringComparison.Ordinal); // no "result": left out when null
        Assert.Contains("\"backoff\":\"00:02:00\",\"timerSeq\":4,", text, StringComparison.Ordinal);
        Assert.Equal(backoff, JsonSerializer.Deserialize<LocalActivityMarkerDetails>(text, HistoryJson.Options));
        Assert.Equal("""{"seq":1,"activityName":"Hash","attempts":1,"result":"ab"}""",
            JsonSerializer.Serialize(new LocalActivityMarkerDetails(1, "Hash", 1, JsonSerializer.SerializeToElement("ab")), HistoryJson.Options));
    });

    [Fact(Timeout = Limit)]
    public Task OptionsOutOfRange_FailTheCall() => Bounded(() =>
    {
        var state = new WorkflowState(new JsonSerializerOptions(JsonSerializerDefaults.Web), _ => { });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = state.ScheduleLocalActivity("Add", default, new LocalActivityOptions { StartToCloseTimeout = TimeSpan.Zero }, default); });
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            _ = state.ScheduleLocalActivity("Add", default, new LocalActivityOptions { RetryPolicy = new RetryPolicy { BackoffCoefficient = 0.5 } }, default);
        });
    });
}
