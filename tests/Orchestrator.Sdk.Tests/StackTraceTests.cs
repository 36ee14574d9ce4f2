using System.Runtime.CompilerServices;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Tests.Simulation;

namespace Orchestrator.Sdk.Tests;

/// <summary>
/// The built-in query <c>__stack_trace</c> on a replayed instance: every wait of every branch, in the order the waits
/// began, with the file and line where the workflow code called the API (the lines are found by the markers in this file).
/// </summary>
public sealed class StackTraceTests
{
    [Workflow]
    public sealed class ManyWaitsWorkflow
    {
        private bool _done;

        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context)
        {
            var ship = context.ExecuteActivityAsync<string>("Ship", "order-1");                               // @ship
            var bill = context.ExecuteActivityAsync((BillingActivities b) => b.BillAsync("order-1"));         // @bill
            var approve = context.WaitForSignalAsync<string>("approve", TimeSpan.FromHours(1));               // @approve
            var delay = context.DelayAsync(TimeSpan.FromMinutes(5));                                           // @delay
            var child = context.ExecuteChildWorkflowAsync<int>("Packer", 3, new ChildWorkflowOptions { WorkflowId = "pack-1" }); // @child
            var done = context.WaitConditionAsync(() => _done);                                                // @condition
            await Task.WhenAll(ship, bill, approve, delay, child, done);
            return "ok";
        }

        [WorkflowSignal]
        public void Finish() => _done = true;
    }

    public sealed class BillingActivities
    {
        [Activity]
        public Task<decimal> BillAsync(string orderId) => Task.FromResult(1m);
    }

    [Workflow]
    public sealed class UpdatingWorkflow
    {
        private bool _closed;

        [WorkflowRun]
        public async Task RunAsync(WorkflowContext context) => await context.WaitConditionAsync(() => _closed); // @run

        [WorkflowUpdate]
        public async Task<string> ReserveAsync(WorkflowContext context, string seat)
        {
            await context.ExecuteActivityAsync("Reserve", seat);                                               // @reserve
            return seat;
        }

        [WorkflowSignal]
        public void Close() => _closed = true;
    }

    private static IReadOnlyList<WorkflowWait> Waits(EngineSimulator sim)
    {
        var instance = sim.NewInstance();
        instance.Replay(sim.History.ToList());
        return instance.Waits();
    }

    private static string At(string marker, [CallerFilePath] string file = "") =>
        "StackTraceTests.cs:" + (Array.FindIndex(File.ReadAllLines(file), line => line.EndsWith("// @" + marker, StringComparison.Ordinal)) + 1);

    [Fact]
    public void EveryWaitOfEveryKind_IsListed_InTheOrderItBegan_WithItsLine()
    {
        var sim = new EngineSimulator(typeof(ManyWaitsWorkflow));
        sim.RunTask();

        var waits = Waits(sim);

        Assert.Equal(["activity Ship #1 " + At("ship"), "activity Bill #2 " + At("bill"), "signal approve # " + At("approve"),
                "timer timer #4 " + At("delay"), "child Packer #5 " + At("child"), "condition condition # " + At("condition")],
            waits.Select(w => $"{w.Kind} {w.Name} #{w.Seq} {w.Location}"));
        Assert.Equal("pack-1", waits[4].WorkflowId);
        var started = sim.History[0].Timestamp;
        var end = sim.History[^1].Timestamp;
        Assert.InRange(waits[2].DueAt!.Value, started + TimeSpan.FromHours(1), end + TimeSpan.FromHours(1));     // the signal's timeout
        Assert.InRange(waits[3].DueAt!.Value, started + TimeSpan.FromMinutes(5), end + TimeSpan.FromMinutes(5)); // the timer
        Assert.Null(waits[0].DueAt);
        Assert.DoesNotContain(waits, w => w.Seq == 3); // the signal's timeout timer is part of the signal's wait
    }

    [Fact]
    public void WhatHappened_IsNoLongerListed_AndAClosedRunWaitsOnNothing()
    {
        var sim = new EngineSimulator(typeof(ManyWaitsWorkflow));
        sim.RunTask();
        sim.CompleteActivity(1);
        sim.Signal("approve", "ana");
        sim.FireTimer(4);
        sim.RunTask();

        Assert.Equal(["activity Bill", "child Packer", "condition condition"], Waits(sim).Select(w => $"{w.Kind} {w.Name}"));

        sim.CompleteActivity(2);
        sim.CompleteChild(5, 1);
        sim.Signal("Finish", null);
        sim.RunTask();
        Assert.True(sim.IsClosed);
        Assert.Empty(Waits(sim));
    }

    [Fact]
    public void ATerminatedRun_WaitsOnNothing()
    {
        var sim = new EngineSimulator(typeof(ManyWaitsWorkflow));
        sim.RunTask();
        sim.Append(EventTypes.WorkflowTerminated, new WorkflowTerminatedAttributes("test"));

        Assert.Empty(Waits(sim));
    }

    [Fact]
    public void AnUpdateWhoseHandlerRuns_IsListed_WithWhatItsHandlerWaitsOn()
    {
        var sim = new EngineSimulator(typeof(UpdatingWorkflow));
        sim.RunTask();
        sim.Update("u-1", "Reserve", "12A");
        sim.RunTask();

        var waits = Waits(sim);

        Assert.Equal(["condition condition " + At("run"), "update Reserve ", "activity Reserve " + At("reserve")],
            waits.Select(w => $"{w.Kind} {w.Name} {w.Location}"));
        Assert.Equal("u-1", waits[1].UpdateId);

        sim.CompleteActivity(1);
        sim.RunTask();
        Assert.Equal(["condition"], Waits(sim).Select(w => w.Kind));
    }

    [Fact]
    public void ASignalNoTaskHasTakenYet_IsSeen_AsQueriesSeeIt()
    {
        var sim = new EngineSimulator(typeof(ManyWaitsWorkflow));
        sim.RunTask();
        sim.Signal("approve", "ana"); // after the last completed task

        Assert.DoesNotContain(Waits(sim), w => w.Kind == "signal");
    }

    [Theory]
    [InlineData("/src/app/Workflows/OrderWorkflow.cs", 40, "OrderWorkflow.cs:40")]
    [InlineData(@"C:\src\app\OrderWorkflow.cs", 7, "OrderWorkflow.cs:7")]
    [InlineData("OrderWorkflow.cs", 1, "OrderWorkflow.cs:1")]
    [InlineData("", 3, null)]
    [InlineData("/src/OrderWorkflow.cs", 0, null)]
    public void Location_IsTheFileNameAndLine_OfAPathWrittenOnAnyOs(string path, int line, string? expected) =>
        Assert.Equal(expected, new Runtime.CodeLocation(path, line).Location);
}
