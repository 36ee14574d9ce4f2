using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Tests.Decider;

/// <summary>
/// What the engine does with a worker's local work: markers are recorded as any marker; <see cref="ContinueInNewTaskCommand"/>
/// schedules the next workflow task at once (after what arrived meanwhile, with no event of its own) and is refused where it
/// does not belong; the task's message tells the worker its timeout.
/// </summary>
public sealed class LocalActivityDeciderTests
{
    private static readonly DateTime Now = new(2026, 12, 3, 10, 0, 0, DateTimeKind.Utc);
    private static readonly EngineSettings Settings = new();
    private static readonly Guid RunId = Guid.Parse("0193a000-0000-7000-8000-0000000000a1");

    private static int _ids;

    private static DecisionContext Context() =>
        new(Now, Settings, () => Guid.Parse($"0193a000-0000-7000-8000-{Interlocked.Increment(ref _ids):D12}"), () => 7);

    private static RunSnapshot Snapshot(params BufferedEventRow[] buffered) => new()
    {
        Run = new WorkflowRunRecord
        {
            RunId = RunId, WorkflowId = "wf-la", WorkflowType = "Ingest", TaskQueue = "q", Status = RunStatus.Running, StartedAt = Now.AddMinutes(-1),
            NextEventId = 10,
        },
        Task = new WorkflowTaskRow
        {
            RunId = RunId, ScheduledEventId = 9, Attempt = 1, TaskQueue = "q", EventsFrom = 1, State = TaskState.Dispatched,
            DispatchAfter = Now.AddSeconds(5), Sent = true, DispatchedAt = Now.AddSeconds(-5),
        },
        Buffered = buffered,
    };

    private static RunEffects Answer(RunSnapshot snapshot, params WorkflowCommand[] commands) =>
        RunDecider.Decide(snapshot, new WorkflowTaskCompletedTrigger(new WorkflowTaskCompletedMessage(RunId, 9, 1, commands, "test")), Context());

    private static RecordMarkerCommand Local(int seq, object? result = null) => new(LocalActivityMarkerDetails.MarkerName,
        JsonSerializer.SerializeToElement(new LocalActivityMarkerDetails(seq, "Hash", 1, JsonSerializer.SerializeToElement(result ?? seq)), HistoryJson.Options));

    private static string[] Types(RunEffects effects) => effects.Events.Select(e => e.EventType).ToArray();

    [Fact]
    public void ContinueInNewTask_AfterMarkers_SchedulesTheNextTaskAtOnce_WithNoEventOfItsOwn()
    {
        var effects = Answer(Snapshot(), Local(1), Local(2), new ContinueInNewTaskCommand());

        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.MarkerRecorded, EventTypes.MarkerRecorded,
            EventTypes.WorkflowTaskScheduled], Types(effects));
        Assert.Equal((14L, TaskState.Dispatched, 10L, 1), (effects.Task!.ScheduledEventId, effects.Task.State, effects.Task.EventsFrom, effects.Task.Attempt));
        Assert.True(effects.SendTask);
        Assert.Null(effects.Close);
        var marker = JsonSerializer.Deserialize<MarkerRecordedAttributes>(effects.Events[2].AttributesJson, HistoryJson.Options)!;
        Assert.Equal(LocalActivityMarkerDetails.MarkerName, marker.MarkerName);
        Assert.Equal(1, marker.Details!.Value.GetProperty("seq").GetInt32());
    }

    [Fact]
    public void WithoutContinueInNewTask_TheRunWaits_AndWithEventsThatArrivedMeanwhile_OneTaskFollowsThem()
    {
        var waits = Answer(Snapshot(), Local(1), new StartTimerCommand(2, TimeSpan.FromMinutes(5)));
        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.MarkerRecorded, EventTypes.TimerStarted], Types(waits));
        Assert.Equal(TaskState.Idle, waits.Task!.State);
        Assert.False(waits.SendTask);

        var signal = new BufferedEventRow(1, EventTypes.SignalReceived, RunDecision.Json(new SignalReceivedAttributes("go", null)));
        var both = Answer(Snapshot(signal), Local(1), new ContinueInNewTaskCommand());
        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted, EventTypes.MarkerRecorded, EventTypes.SignalReceived,
            EventTypes.WorkflowTaskScheduled], Types(both));
        Assert.Equal(1, Types(both).Count(t => t == EventTypes.WorkflowTaskScheduled));
    }

    public static TheoryData<string, object[], string> Hostile() => new()
    {
        { "not last", [new ContinueInNewTaskCommand(), Local(1)], "Command 1 (ContinueInNewTask): ContinueInNewTask must be the last command of an answer (this answer has 2)." },
        { "twice", [Local(1), new ContinueInNewTaskCommand(), new ContinueInNewTaskCommand()], "Command 2 (ContinueInNewTask): ContinueInNewTask must be the last command" },
        { "with a close", [new CompleteWorkflowCommand(null), new ContinueInNewTaskCommand()],
            "Command 2 (ContinueInNewTask): ContinueInNewTask asks for another workflow task, but the answer closes the run (CompleteWorkflow)." },
        { "local marker without seq", [new RecordMarkerCommand(LocalActivityMarkerDetails.MarkerName, JsonSerializer.SerializeToElement(new { activityName = "Hash", attempts = 1 }))],
            "Command 1 (RecordMarker): a localActivity or sideEffect marker needs a positive 'details.seq'." },
        { "local marker without activity", [new RecordMarkerCommand(LocalActivityMarkerDetails.MarkerName, JsonSerializer.SerializeToElement(new { seq = 1, attempts = 1 }))],
            "a localActivity marker needs 'details.activityName'" },
        { "local marker of 0 attempts", [new RecordMarkerCommand(LocalActivityMarkerDetails.MarkerName, JsonSerializer.SerializeToElement(new { seq = 1, activityName = "Hash", attempts = 0 }))],
            "a localActivity marker needs 'details.attempts' (1 or more)" },
        { "side effect of seq 0", [new RecordMarkerCommand(SideEffectMarkerDetails.MarkerName, JsonSerializer.SerializeToElement(new { seq = 0, value = 1 }))],
            "needs a positive 'details.seq'" },
        { "side effect without details", [new RecordMarkerCommand(SideEffectMarkerDetails.MarkerName, null)], "needs a positive 'details.seq'" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void AHostileAnswer_IsRefused_TheTaskFailsAsInvalidCommand_AndNothingIsApplied(string what, object[] commands, string expected)
    {
        var effects = Answer(Snapshot(), commands.Cast<WorkflowCommand>().ToArray());

        Assert.Equal([EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskFailed, EventTypes.WorkflowTaskScheduled], Types(effects));
        var failed = JsonSerializer.Deserialize<WorkflowTaskFailedAttributes>(effects.Events[1].AttributesJson, HistoryJson.Options)!;
        Assert.Equal(CommandValidator.InvalidCommandType, failed.Failure.Type);
        Assert.True(failed.Failure.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {failed.Failure.Message}");
        Assert.Equal(2, effects.Task!.Attempt); // retried with back-off, as any failed task
        Assert.Null(effects.Close);
    }

    [Fact]
    public void MarkersOfOtherNames_AreNotTheValidatorsConcern()
    {
        Assert.Null(CommandValidator.Check([new RecordMarkerCommand("mine", JsonSerializer.SerializeToElement(new { anything = true })), new RecordMarkerCommand("mine", null)]));
        Assert.Null(CommandValidator.Check([Local(1), new RecordMarkerCommand(SideEffectMarkerDetails.MarkerName, JsonSerializer.SerializeToElement(new SideEffectMarkerDetails(2, null), HistoryJson.Options)),
            new ContinueInNewTaskCommand()]));
    }

    [Fact]
    public void TheTaskMessage_TellsTheWorkerItsTimeout()
    {
        var started = RunDecider.Start(new StartWorkflowRequest("Ingest", "wf-new", null, null), Context());
        Assert.Equal(Settings.WorkflowTaskTimeout, started.Message!.Timeout);

        var task = Snapshot().Task! with { DispatchedAt = Now, DispatchAfter = Now + TimeSpan.FromSeconds(20) }; // a re-send after an overdue answer: doubled
        Assert.Equal(TimeSpan.FromSeconds(20), TaskMessages.AnswerWithin(task));
        Assert.Equal(TimeSpan.FromSeconds(3), TaskMessages.AnswerWithin(task with { DispatchedAt = Now + TimeSpan.FromSeconds(17) })); // re-sent unconfirmed: what is left
        Assert.Null(TaskMessages.AnswerWithin(task with { DispatchedAt = null }));
    }
}
