using System.Net;
using System.Net.Http.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Sdk;
using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// Workflow reset across a deploy: a run fails on buggy code; the worker is restarted with the fixed build; a reset to the
/// workflow task before the signal makes a new run that replays the copied part, gets the signal again, and completes.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ResetTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ResetRun_CompletesOnFixedCode_AfterTheOriginalFailed_WithItsSignalsReApplied()
    {
        await using var cluster = await Cluster.StartAsync();
        using var client = new OrchestratorClient(cluster.EngineUrl());
        var id = "reset-e2e-" + Guid.NewGuid().ToString("N")[..8];
        await cluster.StartWorkflowAsync("ResetOrderWorkflow", "order-7", id);
        // the code waits for the signal once the preparation completed (a task after its ActivityCompleted)
        await WaitForHistoryAsync(cluster, id, h => h.Any(e => e.EventType == "ActivityCompleted")
            && h.Any(e => e.EventType == "WorkflowTaskCompleted" && e.EventId > h.First(x => x.EventType == "ActivityCompleted").EventId));
        Assert.Equal(HttpStatusCode.Accepted, await SignalAsync(cluster, id, "approve", "ana"));

        // the buggy build fails the run (its shipping activity fails, one attempt)
        var failed = await cluster.WaitClosedAsync(id);
        Assert.Equal("Failed", Status(failed));
        var failedRunId = failed.GetProperty("runId").GetString()!;
        var failedHistory = await cluster.HistoryAsync(id);
        var prepared = failedHistory.First(e => e.EventType == "ActivityCompleted").EventId;
        var point = failedHistory.First(e => e.EventType == "WorkflowTaskScheduled" && e.EventId > prepared).EventId; // before the signal
        Assert.True(failedHistory.Single(e => e.EventType == "SignalReceived").EventId > point);

        // deploy the fix: the worker process restarts with the fixed build
        cluster.KillWorker(0);
        cluster.WorkerEnvironment["ORCHESTRATOR_TEST_RESET_FIXED"] = "1";
        cluster.StartWorker();

        var reset = await client.ResetWorkflowAsync(id, "ship route fixed", eventId: point);
        Assert.Equal(id, reset.WorkflowId);
        Assert.NotEqual(failedRunId, reset.RunId);

        var closed = await cluster.WaitClosedAsync(id);
        Assert.Equal((reset.RunId, "Completed"), (closed.GetProperty("runId").GetString(), Status(closed)));
        Assert.Equal("prepared order-7, approved by ana, shipped by the fixed route", closed.GetProperty("result").GetString());

        // the new run: the copied part as it was (the preparation ran once, in the old run), the signal re-applied, then the new path
        var history = await cluster.HistoryAsync(id);
        Assert.Equal(failedHistory.Take((int)point - 1).Select(e => (e.EventId, e.EventType)), history.Take((int)point - 1).Select(e => (e.EventId, e.EventType)));
        Assert.Equal("SignalReceived", history[(int)point - 1].EventType);
        Assert.Equal("ana", Attr(history[(int)point - 1], "input").GetString());
        Assert.Equal(2, history.Count(e => e.EventType == "ActivityScheduled")); // the preparation (copied) and the shipping (new)

        // both runs link to each other; the failed run stays Failed (it was closed: nothing to terminate)
        var described = await client.DescribeWorkflowAsync(id);
        Assert.Equal(failedRunId, described.ResetFromRunId);
        var old = await client.DescribeWorkflowAsync(id, failedRunId);
        Assert.Equal((WorkflowStatus.Failed, reset.RunId), (old.Status, old.ResetToRunId));

        // a second reset of the completed run, to its first task: the signal is re-applied again, and the old run, closed, stays closed
        var again = await client.ResetWorkflowAsync(id, "once more", to: ResetTo.FirstWorkflowTask);
        var last = await cluster.WaitClosedAsync(id);
        Assert.Equal((again.RunId, "Completed"), (last.GetProperty("runId").GetString(), Status(last)));
        Assert.Equal("prepared order-7, approved by ana, shipped by the fixed route", last.GetProperty("result").GetString());

        // a reset of an unknown workflow is a 404 problem
        using var response = await cluster.Http.PostAsJsonAsync(new Uri(cluster.EngineUrl(), "/api/v1/workflows/no-such-workflow/reset"),
            new { to = "LastWorkflowTask", reason = "r" });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
