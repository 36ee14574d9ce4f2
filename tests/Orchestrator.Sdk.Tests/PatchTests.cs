using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

public sealed class PatchTests
{
    [Fact(Timeout = Limit)]
    public Task HistoryRecordedBeforePatch_ReplaysOnPatchedCode_TakingTheOldPath() => Bounded(() =>
    {
        var v1 = new EngineSimulator(typeof(PatchV1)) { Activities = FakeActivities.Default };
        v1.RunToEnd();
        WorkflowReplayer.ReplayAsync<PatchV2>(v1.ToHistoryJson()).GetAwaiter().GetResult();

        // the old path is also what the patched code produces when it replays that history
        var history = v1.History.ToList();
        var lastTask = history.FindLastIndex(e => e.EventType == EventTypes.WorkflowTaskScheduled);
        var instance = new WorkflowInstance(WorkflowDefinition.Create(typeof(PatchV2)), new WorkflowRuntimeOptions(), null);
        var activation = instance.Activate(history.Take(lastTask + 1).ToList());
        Assert.Equal("old path", Assert.IsType<CompleteWorkflowCommand>(Assert.Single(activation.Commands)).Result!.Value.GetString());
    });

    [Fact(Timeout = Limit)]
    public Task NewRun_TakesTheNewPath_AndRecordsTheMarker() => Bounded(() =>
    {
        var v2 = new EngineSimulator(typeof(PatchV2)) { Activities = FakeActivities.Default };
        v2.RunTask();
        v2.CompleteActivity(1);
        var second = v2.RunTask();
        var marker = Assert.IsType<RecordMarkerCommand>(second[0]);
        Assert.Equal("patch", marker.MarkerName);
        Assert.Equal("add-step", marker.Details!.Value.GetProperty("patchId").GetString());
        Assert.Equal("Add", Assert.IsType<ScheduleActivityCommand>(second[1]).ActivityName);
        v2.RunToEnd();
        Assert.Equal("new path", Assert.IsType<CompleteWorkflowCommand>(v2.Closing).Result!.Value.GetString());
        WorkflowReplayer.ReplayAsync<PatchV2>(v2.ToHistoryJson()).GetAwaiter().GetResult();
    });

    [Fact(Timeout = Limit)]
    public Task PatchedHistory_OnUnpatchedCode_IsNonDeterministic() => Bounded(() =>
    {
        var v2 = new EngineSimulator(typeof(PatchV2)) { Activities = FakeActivities.Default };
        v2.RunToEnd();
        var ex = Assert.Throws<NonDeterminismException>(() => WorkflowReplayer.ReplayAsync<PatchV1>(v2.ToHistoryJson()).GetAwaiter().GetResult());
        Assert.Contains("activity 'Add'", ex.Message, StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task RunInFlightOnOldCode_ContinuesOnPatchedCode() => Bounded(() =>
    {
        // a run that started on PatchV1 and is picked up, mid-way, by a worker with PatchV2
        var v1 = new EngineSimulator(typeof(PatchV1)) { Activities = FakeActivities.Default };
        v1.RunTask();
        v1.CompleteActivity(1);
        v1.Append(EventTypes.WorkflowTaskScheduled, new WorkflowTaskScheduledAttributes(1));
        var instance = new WorkflowInstance(WorkflowDefinition.Create(typeof(PatchV2)), new WorkflowRuntimeOptions(), null);
        var activation = instance.Activate(v1.History.ToList());
        Assert.Null(activation.Failure);
        Assert.IsType<RecordMarkerCommand>(activation.Commands[0]); // first time the code reaches the patch: new path, marked
    });
}
