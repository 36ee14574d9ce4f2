using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary><c>SideEffect</c>: run once, recorded as a <c>sideEffect</c> marker, replayed from it whatever the function would now return.</summary>
public sealed class SideEffectTests
{
    [Fact(Timeout = Limit)]
    public Task ASideEffect_IsRecordedOnce_AndReplayedWithoutCallingTheFunction_EvenWhenItNowReturnsSomethingElse() => Bounded(() =>
    {
        var calls = 0;
        SideEffectWorkflow.Source = () => $"token-{++calls}";
        try
        {
            // the current task is not a replay: a second instance running it would call the function again (so no cold check of it)
            var sim = new EngineSimulator(typeof(SideEffectWorkflow), checkCold: false) { Activities = FakeActivities.Default };
            var first = sim.RunTask();
            sim.CheckCold = true; // from here each task is also answered by a new instance that replays this one

            var marker = Assert.IsType<RecordMarkerCommand>(first[0]);
            Assert.Equal(SideEffectMarkerDetails.MarkerName, marker.MarkerName);
            Assert.Equal("""{"seq":1,"value":"token-1"}""", marker.Details!.Value.GetRawText());
            var second = Assert.IsType<RecordMarkerCommand>(first[1]).Details!.Value;
            Assert.Equal((2, new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)), (second.GetProperty("seq").GetInt32(), second.GetProperty("value").GetDateTimeOffset()));
            Assert.Equal(3, Assert.IsType<ScheduleActivityCommand>(first[2]).Seq); // side effects take a seq, as every command that is matched by one
            sim.RunToEnd(); // the cached instance goes on; the cold ones replay the marker
            Assert.Equal("token-1 2030-01-02", Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetString());
            Assert.Equal(1, calls);

            SideEffectWorkflow.Source = () => throw new InvalidOperationException("a replay must not call the function");
            WorkflowReplayer.ReplayAsync<SideEffectWorkflow>(sim.ToHistoryJson()).GetAwaiter().GetResult();
            SideEffectWorkflow.Source = () => "token-changed";
            var instance = sim.NewInstance();
            var replayed = instance.Replay(sim.History.ToList());
            Assert.Equal("token-1 2030-01-02", Assert.IsType<CompleteWorkflowCommand>(replayed[^1]).Result!.Value.GetString());
        }
        finally
        {
            SideEffectWorkflow.Source = () => "token-1";
        }
    });

    [Fact(Timeout = Limit)]
    public Task ASideEffectThatThrows_FailsTheWorkflowTask_AndRunsAgainWhenTheTaskIsRetried() => Bounded(() =>
    {
        ThrowingSideEffectWorkflow.Fail = true;
        try
        {
            var sim = new EngineSimulator(typeof(ThrowingSideEffectWorkflow));

            var failed = Assert.Throws<WorkflowTaskFailedException>(() => sim.RunTask()); // even though the code catches it

            Assert.Equal("SideEffectFailedException", failed.Failure.Type);
            Assert.Contains("no entropy", failed.Failure.Message, StringComparison.Ordinal);
            Assert.Equal("InvalidOperationException", failed.Failure.Inner!.Type);
            Assert.True(sim.Cached!.IsFaulted); // the worker discards it

            sim.FailTask();
            ThrowingSideEffectWorkflow.Fail = false;
            sim.RunTask();
            Assert.Equal("fine", Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetString());
        }
        finally
        {
            ThrowingSideEffectWorkflow.Fail = true;
        }
    });

    [Fact(Timeout = Limit)]
    public Task ASideEffectWhereHistoryHasAnotherCommand_IsNonDeterminism_NamingBoth() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(TokenV1)) { Activities = FakeActivities.Default };
        sim.RunToEnd();

        var ex = Assert.Throws<NonDeterminismException>(() => WorkflowReplayer.ReplayAsync<TokenWithSideEffect>(sim.ToHistoryJson()).GetAwaiter().GetResult());

        Assert.Contains("history holds ActivityScheduled (seq 1, activity 'echo') but the workflow code called SideEffect (seq 1)", ex.Message, StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task ARemovedSideEffect_IsNonDeterminism_NamingTheMarker() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(TokenWithSideEffect)) { Activities = FakeActivities.Default };
        sim.RunToEnd();

        var ex = Assert.Throws<NonDeterminismException>(() => WorkflowReplayer.ReplayAsync<TokenV1>(sim.ToHistoryJson()).GetAwaiter().GetResult());

        Assert.Contains("history holds MarkerRecorded ('sideEffect', seq 1)", ex.Message, StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task TheMarker_ReadsBackAsSideEffectMarkerDetails() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(SideEffectWorkflow)) { Activities = FakeActivities.Default };
        sim.RunTask();

        var details = sim.History.First(e => e.EventType == EventTypes.MarkerRecorded).Attributes.GetProperty("details").Deserialize<SideEffectMarkerDetails>(HistoryJson.Options)!;

        Assert.Equal((1, "token-1"), (details.Seq, details.Value!.Value.GetString()));
    });
}
