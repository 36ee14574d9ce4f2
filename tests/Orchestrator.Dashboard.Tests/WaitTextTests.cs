using System.Net;
using Orchestrator.Contracts.Api;
using Orchestrator.Dashboard.Api;
using Orchestrator.Dashboard.Waits;

namespace Orchestrator.Dashboard.Tests;

/// <summary>The lines of "Waiting on": one per entry of <c>__stack_trace</c>, per kind; and what a failed query says.</summary>
public sealed class WaitTextTests
{
    private static readonly DateTimeOffset Due = new(2025, 1, 1, 0, 5, 9, TimeSpan.Zero);

    public static TheoryData<WorkflowWait, string> Waits => new()
    {
        { new("activity", "Ship", Seq: 3, Location: "OrderWorkflow.cs:40"), "Ship (activity #3) at OrderWorkflow.cs:40" },
        { new("activity", "Ship"), "Ship (activity)" },
        { new("timer", "timer", Seq: 5, DueAt: Due, Location: "OrderWorkflow.cs:41"), "timer #5, due 2025-01-01 00:05:09.000 UTC at OrderWorkflow.cs:41" },
        { new("timer", "timer", Seq: 5), "timer #5" },
        { new("signal", "release", Location: "StackTraceWorkflows.cs:21"), "signal \"release\" at StackTraceWorkflows.cs:21" },
        { new("signal", "approve", DueAt: Due), "signal \"approve\", until 2025-01-01 00:05:09.000 UTC" },
        { new("condition", "condition", Location: "CartWorkflow.cs:12"), "a condition at CartWorkflow.cs:12" },
        { new("condition", "condition", DueAt: Due, Location: "CartWorkflow.cs:12"), "a condition, until 2025-01-01 00:05:09.000 UTC at CartWorkflow.cs:12" },
        { new("child", "OrderChild", Seq: 7, Location: "OrderWorkflow.cs:50", WorkflowId: "order-1-child-7"), "child OrderChild (order-1-child-7) at OrderWorkflow.cs:50" },
        { new("child", "OrderChild"), "child OrderChild" },
        { new("update", "AddItem", UpdateId: "u-1"), "update AddItem (u-1) still running" },
        { new("update", "AddItem", UpdateId: "u-1", Location: "CartWorkflow.cs:30"), "update AddItem (u-1) still running at CartWorkflow.cs:30" },
        // a kind of a later SDK: as it is
        { new("nexus", "Reserve", Seq: 9, Location: "OrderWorkflow.cs:60"), "nexus Reserve at OrderWorkflow.cs:60" },
        { new("nexus", "Reserve"), "nexus Reserve" },
    };

    [Theory]
    [MemberData(nameof(Waits))]
    public void Describe_EachKind_OneLine(WorkflowWait wait, string expected) => Assert.Equal(expected, WaitText.Describe(wait));

    private static ApiResult<WorkflowQueryResponse> Answer(string resultJson)
        => new(HttpStatusCode.OK, new WorkflowQueryResponse(System.Text.Json.JsonDocument.Parse(resultJson).RootElement.Clone()), null);

    [Fact]
    public void From_ListOfWaits_ReadsThemInOrder()
    {
        var waits = RunWaits.From(Answer("""
            [{"kind":"activity","name":"ChaosHang","seq":1,"location":"StackTraceWorkflows.cs:19"},
             {"kind":"timer","name":"timer","seq":2,"dueAt":"2025-01-01T00:05:09Z"},
             {"kind":"signal","name":"release","location":"StackTraceWorkflows.cs:21","somethingNew":true}]
            """), "default", "StuckWorkflow");

        Assert.Null(waits.Problem);
        Assert.Equal(["ChaosHang (activity #1) at StackTraceWorkflows.cs:19", "timer #2, due 2025-01-01 00:05:09.000 UTC", "signal \"release\" at StackTraceWorkflows.cs:21"],
            waits.Waits!.Select(WaitText.Describe));
    }

    [Fact]
    public void From_EmptyList_IsNoWaitsAndNoProblem()
    {
        var waits = RunWaits.From(Answer("[]"), "default", "StuckWorkflow");

        Assert.Empty(waits.Waits!);
        Assert.Null(waits.Problem);
    }

    [Theory]
    [InlineData("{\"kind\":\"activity\"}")]
    [InlineData("\"waiting\"")]
    [InlineData("null")]
    [InlineData("[1, 2]")]
    public void From_NotAListOfWaits_SaysSo(string resultJson)
    {
        var waits = RunWaits.From(Answer(resultJson), "default", "StuckWorkflow");

        Assert.Null(waits.Waits);
        Assert.Equal("The worker's answer is not a list of waits.", waits.Problem);
        Assert.NotNull(waits.Detail);
    }

    [Theory]
    [InlineData(HttpStatusCode.GatewayTimeout, "No worker answered in time; start a worker of task queue 'orders' (one that knows workflow type 'OrderWorkflow').")]
    [InlineData(HttpStatusCode.BadRequest, "The worker does not know the query __stack_trace: its Orchestrator.Sdk is older than this feature. Upgrade the worker to see what the run waits on.")]
    [InlineData(HttpStatusCode.UnprocessableEntity, "The worker could not answer: replaying the run or the query failed.")]
    [InlineData(HttpStatusCode.NotFound, "The engine has no such run.")]
    [InlineData(HttpStatusCode.Unauthorized, "The engine refused the dashboard's API key.")]
    [InlineData((HttpStatusCode)0, "The engine did not answer.")]
    [InlineData(HttpStatusCode.InternalServerError, "The engine could not ask a worker.")]
    public void From_Problem_SaysWhatItMeans_AndKeepsTheEnginesText(HttpStatusCode status, string expected)
    {
        var engineText = $"{(int)status} {status}: the engine's title: its detail";

        var waits = RunWaits.From(new ApiResult<WorkflowQueryResponse>(status, null, engineText), "orders", "OrderWorkflow");

        Assert.Null(waits.Waits);
        Assert.Equal(expected, waits.Problem);
        Assert.Equal(engineText, waits.Detail);
    }
}
