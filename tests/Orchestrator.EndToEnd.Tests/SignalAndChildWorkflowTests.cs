using System.Net;
using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class SignalAndChildWorkflowTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private Cluster Cluster => fixture.Cluster;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task SignalsSentBeforeAndAfterTheWaitStarts_ArriveInOrderOnceEach_AndAOneSecondWaitTimesOut()
    {
        var id = await Cluster.StartWorkflowAsync("SignalWorkflow", null, "signals-" + Guid.NewGuid().ToString("N")[..6]);
        Assert.Equal(HttpStatusCode.Accepted, await SignalAsync(Cluster, id, "item", "first")); // before the code waits (it sleeps 1 s first)
        await WaitForHistoryAsync(Cluster, id, h => h.Any(e => e.EventType == "TimerFired")   // a task after the timer: it now
            && h.Last(e => e.EventType == "WorkflowTaskCompleted").EventId > h.First(e => e.EventType == "TimerFired").EventId); // waits for the second
        Assert.Equal(HttpStatusCode.Accepted, await SignalAsync(Cluster, id, "item", "second"));

        var closed = await Cluster.WaitClosedAsync(id);
        Assert.Equal("Completed", Status(closed));
        Assert.Equal("first,second,timeout", closed.GetProperty("result").GetString());
        var history = await Cluster.HistoryAsync(id);
        Assert.Equal(["first", "second"], history.Where(e => e.EventType == "SignalReceived").Select(e => Attr(e, "input").GetString()));

        // closed run and unknown id: 404, nothing recorded
        Assert.Equal(HttpStatusCode.NotFound, await SignalAsync(Cluster, id, "item", "late"));
        Assert.Equal(HttpStatusCode.NotFound, await SignalAsync(Cluster, "no-such-workflow-" + Guid.NewGuid(), "item", "x"));
        Assert.Equal(history.Count, (await Cluster.HistoryAsync(id)).Count);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ParentRunsAChild_GetsItsResult_AndHistoryLinksBoth()
    {
        var id = "parent-ok-" + Guid.NewGuid().ToString("N")[..6];
        await Cluster.StartWorkflowAsync("ParentWorkflow", new { mode = "ok" }, id);

        var closed = await Cluster.WaitClosedAsync(id);
        Assert.Equal("child:42", closed.GetProperty("result").GetString());
        var history = await Cluster.HistoryAsync(id);
        var started = history.Single(e => e.EventType == "ChildWorkflowStarted");
        Assert.Equal(id + "-child-1", Attr(started, "workflowId").GetString());
        Assert.Equal(42, Attr(history.Single(e => e.EventType == "ChildWorkflowCompleted"), "result").GetInt32());
        var child = await DescribeAsync(Cluster, id + "-child-1");
        Assert.Equal("Completed", Status(child));
        var childStart = (await Cluster.HistoryAsync(id + "-child-1"))[0];
        Assert.Equal(id, Attr(childStart, "parentWorkflowId").GetString());
        Assert.Equal(closed.GetProperty("runId").GetString(), Attr(childStart, "parentRunId").GetString());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task FailingChild_SurfacesInTheParentAsChildWorkflowFailedException_WithTheChildsFailure()
    {
        var id = "parent-fail-" + Guid.NewGuid().ToString("N")[..6];
        await Cluster.StartWorkflowAsync("ParentWorkflow", new { mode = "fail" }, id);

        var closed = await Cluster.WaitClosedAsync(id);
        Assert.Equal("Completed", Status(closed));
        Assert.StartsWith("caught:ArgumentOutOfRangeException:the child refuses negative numbers", closed.GetProperty("result").GetString());
        Assert.Equal("Failed", Status(await DescribeAsync(Cluster, id + "-child-1")));
        var failed = (await Cluster.HistoryAsync(id)).Single(e => e.EventType == "ChildWorkflowFailed");
        Assert.Contains("DoublingChildWorkflow", Attr(failed, "failure").GetProperty("stackTrace").GetString());
    }

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [InlineData("Terminate", "Terminated")]
    [InlineData("RequestCancel", "Canceled")]
    [InlineData("Abandon", "Running")]
    public async Task TerminatingTheParent_AppliesTheChildsParentClosePolicy(string policy, string childStatus)
    {
        var id = "parent-" + policy.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..6];
        await Cluster.StartWorkflowAsync("ParentWorkflow", new { mode = "wait", policy }, id);
        await WaitForEventAsync(Cluster, id, "ChildWorkflowStarted");
        await WaitForHistoryAsync(Cluster, id + "-child", h => h.Any(e => e.EventType == "WorkflowTaskCompleted"));

        Assert.Equal(HttpStatusCode.Accepted, await PostAsync(Cluster, $"/api/v1/workflows/{id}/terminate", new { reason = "test" }));

        Assert.Equal("Terminated", Status(await DescribeAsync(Cluster, id)));
        if (childStatus == "Running")
        {
            Assert.Equal("Running", Status(await DescribeAsync(Cluster, id + "-child")));
            await PostAsync(Cluster, $"/api/v1/workflows/{id}-child/terminate", new { reason = "cleanup" });
            return;
        }
        var child = await Cluster.WaitClosedAsync(id + "-child", TimeSpan.FromSeconds(30));
        Assert.Equal(childStatus, Status(child));
    }
}
