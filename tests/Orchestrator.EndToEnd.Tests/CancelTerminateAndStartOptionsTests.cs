using System.Net;
using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class CancelTerminateAndStartOptionsTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private Cluster Cluster => fixture.Cluster;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Cancel_RunsTheCompensation_AndClosesCanceled()
    {
        var dir = NewMarkDirectory();
        var id = await Cluster.StartWorkflowAsync("CancelCompensationWorkflow", dir, "cancel-" + Guid.NewGuid().ToString("N")[..6]);
        await WaitForHistoryAsync(Cluster, id, h => h.Any(e => e.EventType == "ActivityCompleted")
            && h.Last(e => e.EventType == "WorkflowTaskCompleted").EventId > h.First(e => e.EventType == "ActivityCompleted").EventId);

        Assert.Equal(HttpStatusCode.Accepted, await PostAsync(Cluster, $"/api/v1/workflows/{id}/cancel", new { reason = "customer left" }));

        var closed = await Cluster.WaitClosedAsync(id);
        Assert.Equal("Canceled", Status(closed));
        Assert.Equal(["reserve", "release"], Lines(dir, "calls.txt"));
        var types = (await Cluster.HistoryAsync(id)).Select(e => e.EventType).ToList();
        Assert.True(types.IndexOf("WorkflowCancelRequested") < types.LastIndexOf("ActivityScheduled"), "the compensation ran after the cancel request");
        Assert.Equal("WorkflowCanceled", types[^1]);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Terminate_ClosesAtOnce_AndTheLateActivityResultChangesNothing()
    {
        var dir = NewMarkDirectory();
        var id = await Cluster.StartWorkflowAsync("SlowActivityWorkflow", dir, "terminate-" + Guid.NewGuid().ToString("N")[..6]);
        await WaitForEventAsync(Cluster, id, "ActivityScheduled");

        Assert.Equal(HttpStatusCode.Accepted, await PostAsync(Cluster, $"/api/v1/workflows/{id}/terminate", new { reason = "operator" }));
        var describe = await DescribeAsync(Cluster, id);
        Assert.Equal("Terminated", Status(describe));
        var history = await Cluster.HistoryAsync(id);
        Assert.Equal("WorkflowTerminated", history[^1].EventType);
        Assert.Equal("operator", Attr(history[^1], "reason").GetString());

        await WaitUntilAsync(() => File.Exists(Path.Combine(dir, "slow-done")), TimeSpan.FromSeconds(30), "the activity to finish");
        var runId = describe.GetProperty("runId").GetString();
        await Cluster.WaitForEngineLogAsync(l => l.Contains($"Dropped stale activity result for run {runId}", StringComparison.Ordinal),
            "that it dropped the late activity result");
        Assert.Equal(history.Count, (await Cluster.HistoryAsync(id)).Count);
        Assert.Equal("Terminated", Status(await DescribeAsync(Cluster, id)));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task IdReusePolicies_BehaveAsDocumented()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var done = "reuse-done-" + suffix;
        await Cluster.StartWorkflowAsync("ThreeStepWorkflow", 0, done);
        await Cluster.WaitClosedAsync(done);
        var failed = "reuse-failed-" + suffix;
        await Cluster.StartWorkflowAsync("FailingWorkflow", null, failed);
        Assert.Equal("Failed", Status(await Cluster.WaitClosedAsync(failed)));
        var open = "reuse-open-" + suffix;
        await Cluster.StartWorkflowAsync("WaitForeverWorkflow", null, open);

        Assert.Equal(HttpStatusCode.Conflict, (await StartAsync(Cluster, "ThreeStepWorkflow", 0, done, "RejectDuplicate")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await StartAsync(Cluster, "ThreeStepWorkflow", 0, done, "AllowDuplicateFailedOnly")).Status);
        Assert.Equal(HttpStatusCode.Created, (await StartAsync(Cluster, "ThreeStepWorkflow", 0, failed, "AllowDuplicateFailedOnly")).Status);
        Assert.Equal(HttpStatusCode.Created, (await StartAsync(Cluster, "ThreeStepWorkflow", 0, done, "AllowDuplicate")).Status);
        await Cluster.WaitClosedAsync(done);
        Assert.Equal(HttpStatusCode.Created, (await StartAsync(Cluster, "ThreeStepWorkflow", 0, done)).Status); // AllowDuplicate is the default
        foreach (var policy in new[] { "AllowDuplicate", "AllowDuplicateFailedOnly", "RejectDuplicate" })
        {
            Assert.Equal(HttpStatusCode.Conflict, (await StartAsync(Cluster, "ThreeStepWorkflow", 0, open, policy)).Status); // open run: always 409
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await StartAsync(Cluster, "ThreeStepWorkflow", 0, "reuse-bad-" + suffix, "Sometimes")).Status);
        await PostAsync(Cluster, $"/api/v1/workflows/{open}/terminate", new { reason = "cleanup" });
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task RunTimeout_ClosesTheRunTimedOut_WhenItPasses()
    {
        var id = "timeout-" + Guid.NewGuid().ToString("N")[..6];
        var (status, _) = await StartAsync(Cluster, "WaitForeverWorkflow", null, id, runTimeout: "00:00:02");
        Assert.Equal(HttpStatusCode.Created, status);

        var closed = await Cluster.WaitClosedAsync(id, TimeSpan.FromSeconds(30));
        Assert.Equal("TimedOut", Status(closed));
        var history = await Cluster.HistoryAsync(id);
        Assert.Equal("WorkflowTimedOut", history[^1].EventType);
        Assert.InRange((history[^1].Timestamp - history[0].Timestamp).TotalSeconds, 2.0, 3.0);
        Assert.Equal(HttpStatusCode.BadRequest, (await StartAsync(Cluster, "WaitForeverWorkflow", null, id + "-bad", runTimeout: "-00:00:01")).Status);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task WorkflowRetryPolicy_RetriesAFailedRunWithBackOff_UntilItSucceeds()
    {
        var id = "wf-retry-" + Guid.NewGuid().ToString("N")[..6];
        var retryPolicy = new { initialInterval = "00:00:01", backoffCoefficient = 1.0, maximumInterval = "00:00:01", maximumAttempts = 5, nonRetryableErrorTypes = Array.Empty<string>() };
        var (status, _) = await StartAsync(Cluster, "FailTwiceWorkflow", "x", id, retryPolicy: retryPolicy);
        Assert.Equal(HttpStatusCode.Created, status);

        var closed = await Cluster.WaitClosedAsync(id);
        Assert.Equal("Completed", Status(closed));
        Assert.Equal(3, closed.GetProperty("result").GetInt32());
        var runs = (await Cluster.AllRunsAsync()).Where(r => r.WorkflowId == id).ToList();
        Assert.Equal(3, runs.Count);
        Assert.Equal(2, runs.Count(r => r.Status == "Failed"));
        Assert.Single(runs, r => r.Status == "Completed");
        var history = await Cluster.HistoryAsync(id);
        var started = history[0];
        Assert.Equal(3, Attr(started, "attempt").GetInt32());
        Assert.NotNull(Attr(started, "previousRunId").GetString());

        var noRetry = "wf-retry-none-" + Guid.NewGuid().ToString("N")[..6];
        var once = new { initialInterval = "00:00:01", backoffCoefficient = 1.0, maximumInterval = "00:00:01", maximumAttempts = 2, nonRetryableErrorTypes = new[] { "InvalidOperationException" } };
        await StartAsync(Cluster, "FailTwiceWorkflow", "y", noRetry, retryPolicy: once);
        Assert.Equal("Failed", Status(await Cluster.WaitClosedAsync(noRetry)));
        Assert.Single(await Cluster.AllRunsAsync(), r => r.WorkflowId == noRetry);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task UnhandledExceptionInWorkflowCode_FailsTheRun_WithTypeMessageAndStackTrace()
    {
        var id = "fails-" + Guid.NewGuid().ToString("N")[..6];
        await Cluster.StartWorkflowAsync("FailingWorkflow", null, id);

        var closed = await Cluster.WaitClosedAsync(id);
        Assert.Equal("Failed", Status(closed));
        var failure = closed.GetProperty("failure");
        Assert.Equal("InvalidOperationException", failure.GetProperty("type").GetString());
        Assert.Equal("workflow code failed on purpose", failure.GetProperty("message").GetString());
        Assert.Contains("FailingWorkflow", failure.GetProperty("stackTrace").GetString());
        Assert.Equal("WorkflowFailed", (await Cluster.HistoryAsync(id))[^1].EventType);
    }
}
