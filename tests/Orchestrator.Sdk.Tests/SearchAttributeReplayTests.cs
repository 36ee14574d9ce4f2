using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary><c>context.UpsertSearchAttributes</c>: a command with the task's answer, matched (not sent again) on replay.</summary>
public sealed class SearchAttributeReplayTests
{
    [Fact(Timeout = Limit)]
    public Task Upserts_are_commands_of_their_task_and_a_history_with_them_replays() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(SearchAttributeWorkflow), "c-17") { Activities = FakeActivities.Default };
        var first = sim.RunTask();
        var upsert = Assert.IsType<UpsertSearchAttributesCommand>(first[0]);
        Assert.Equal("c-17", upsert.SearchAttributes["CustomerId"]!.Value.GetString());
        Assert.Equal("2026-12-24T08:00:00+00:00", upsert.SearchAttributes["Due"]!.Value.GetString()); // sent in UTC
        Assert.IsType<ScheduleActivityCommand>(first[1]);
        sim.RunToEnd();

        var second = sim.CommandsPerTask[^1];
        var removal = Assert.IsType<UpsertSearchAttributesCommand>(second[0]);
        Assert.Null(removal.SearchAttributes["Due"]);
        Assert.Equal("CustomerId=c-17,Items=3,Stage=shipped", Assert.IsType<CompleteWorkflowCommand>(sim.Closing).Result!.Value.GetString());
        Assert.Equal(2, sim.History.Count(e => e.EventType == EventTypes.SearchAttributesUpserted));
        WorkflowReplayer.ReplayAsync<SearchAttributeWorkflow>(sim.ToHistoryJson()).GetAwaiter().GetResult();
    });

    [Fact(Timeout = Limit)]
    public Task Code_that_upserts_other_attributes_than_history_recorded_is_non_deterministic() => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(SearchAttributeWorkflow), "c-17") { Activities = FakeActivities.Default };
        sim.RunToEnd();

        var e = Assert.Throws<NonDeterminismException>(() => WorkflowReplayer.ReplayAsync<SearchAttributeWorkflowChanged>(sim.ToHistoryJson()).GetAwaiter().GetResult());
        Assert.Contains("SearchAttributesUpserted (Due, Items, Stage)", e.Message, StringComparison.Ordinal);
        Assert.Contains("UpsertSearchAttributes (Region)", e.Message, StringComparison.Ordinal);
    });
}
