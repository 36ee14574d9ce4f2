using System.Text.Json;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// Local activities against a real engine and worker (processes), with TestWorker's <c>LocalChainWorkflow</c> and
/// <c>LocalRetryWorkflow</c>: one <c>localActivity</c> marker each and no activity task; retried in the worker or after a
/// durable timer; a chain longer than the workflow task timeout answers within it and continues in new tasks; a query
/// replays a run without running its local activities; a worker killed mid-chain leaves each recorded once.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LocalActivityTests
{
    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static List<LocalActivityMarkerDetails> LocalMarkers(IReadOnlyList<HistoryEvent> events) => events
        .Where(e => e.EventType == EventTypes.MarkerRecorded && e.Attributes.GetProperty("markerName").GetString() == LocalActivityMarkerDetails.MarkerName)
        .Select(e => e.Attributes.GetProperty("details").Deserialize<LocalActivityMarkerDetails>(HistoryJson.Options)!)
        .ToList();

    private static string Describe(IReadOnlyList<HistoryEvent> events) => string.Join(", ", events.Select(e => $"{e.EventId} {e.EventType}").Take(60));

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task AThousandSequentialLocalActivities_CompleteWithOneMarkerEach_AndAQueryReplaysThemWithoutRunningThem()
    {
        await using var cluster = await Cluster.StartAsync();
        using var client = new OrchestratorClient(cluster.EngineUrl());
        var id = await cluster.StartWorkflowAsync("LocalChainWorkflow", new { count = 1000 }, NewId("local-chain"));

        var closed = await cluster.WaitClosedAsync(id);

        Assert.True(closed.GetProperty("status").GetString() == "Completed", closed.ToString());
        Assert.Equal(1000, closed.GetProperty("result").GetInt32());
        var events = await cluster.HistoryAsync(id);
        var markers = LocalMarkers(events);
        Assert.Equal(Enumerable.Range(1, 1000), markers.Select(m => m.Seq));
        Assert.All(markers, m => Assert.Equal(("LocalIncrement", 1), (m.ActivityName, m.Attempts)));
        Assert.Equal(Enumerable.Range(1, 1000), markers.Select(m => m.Result!.Value.GetInt32()));
        Assert.DoesNotContain(events, e => e.EventType is EventTypes.ActivityScheduled or EventTypes.TimerStarted or EventTypes.WorkflowTaskFailed);
        Assert.Equal(1000, events.Count(e => e.EventType == EventTypes.MarkerRecorded));

        // a query replays the whole run on the worker (a new instance): it takes the results from the markers, runs none
        Assert.Equal(1000, await client.QueryWorkflowAsync<int>(id, "Attempts", timeout: TimeSpan.FromSeconds(30)));
        Assert.Equal(1000, await client.QueryWorkflowAsync<int>(id, "Attempts", timeout: TimeSpan.FromSeconds(30)));
        await Invariants.AssertAllRunsSoundAsync(cluster, 1);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ShortBackOffs_AreRetriedInTheWorker_WithinOneTask_AndRecordedOnce()
    {
        await using var cluster = await Cluster.StartAsync();
        var id = await cluster.StartWorkflowAsync("LocalRetryWorkflow", new { failures = 2, initialIntervalMs = 100 }, NewId("local-retry"));

        var closed = await cluster.WaitClosedAsync(id);

        Assert.Equal("attempt 3", closed.GetProperty("result").GetString());
        var events = await cluster.HistoryAsync(id);
        var marker = Assert.Single(LocalMarkers(events));
        Assert.Equal(("LocalFlaky", 3), (marker.ActivityName, marker.Attempts));
        Assert.NotNull(marker.FirstAttemptAt);
        Assert.DoesNotContain(events, e => e.EventType is EventTypes.TimerStarted or EventTypes.ActivityScheduled);
        Assert.Single(events, e => e.EventType == EventTypes.WorkflowTaskCompleted);
        var sideEffect = Assert.Single(events, e => e.EventType == EventTypes.MarkerRecorded
            && e.Attributes.GetProperty("markerName").GetString() == SideEffectMarkerDetails.MarkerName);
        Assert.True(sideEffect.Attributes.GetProperty("details").GetProperty("value").GetInt32() > 0);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ABackOffAboveTheThreshold_IsADurableTimer_AfterWhichTheNextAttemptRuns()
    {
        await using var cluster = await Cluster.StartAsync();
        var id = await cluster.StartWorkflowAsync("LocalRetryWorkflow", new { failures = 1, initialIntervalMs = 1500, localRetryThresholdMs = 1000 }, NewId("local-timer"));

        var closed = await cluster.WaitClosedAsync(id);

        Assert.Equal("attempt 2", closed.GetProperty("result").GetString());
        var events = await cluster.HistoryAsync(id);
        var markers = LocalMarkers(events);
        Assert.Equal(2, markers.Count);
        Assert.Equal((1, 1, TimeSpan.FromMilliseconds(1500), 2, "InvalidOperationException"),
            (markers[0].Seq, markers[0].Attempts, markers[0].Backoff!.Value, markers[0].TimerSeq!.Value, markers[0].Failure!.Type));
        Assert.Equal((1, 2, (TimeSpan?)null, markers[0].FirstAttemptAt), (markers[1].Seq, markers[1].Attempts, markers[1].Backoff, markers[1].FirstAttemptAt));
        var types = events.Select(e => e.EventType).ToList();
        var backoff = types.IndexOf(EventTypes.MarkerRecorded);
        Assert.True(types[backoff + 1] == EventTypes.TimerStarted && types.IndexOf(EventTypes.TimerFired) > backoff, Describe(events));
        var started = events.Single(e => e.EventType == EventTypes.TimerStarted);
        var fired = events.Single(e => e.EventType == EventTypes.TimerFired);
        Assert.True(fired.Timestamp - started.Timestamp >= TimeSpan.FromMilliseconds(1400), $"{started.Timestamp:O} → {fired.Timestamp:O}");
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task AFailureForGood_IsRecorded_AndReachesTheWorkflowAsActivityFailedException()
    {
        await using var cluster = await Cluster.StartAsync();
        var id = await cluster.StartWorkflowAsync("LocalRetryWorkflow", new { failures = -1, initialIntervalMs = 100 }, NewId("local-fail"));

        var closed = await cluster.WaitClosedAsync(id);

        Assert.Equal("failed ArgumentException after 1", closed.GetProperty("result").GetString());
        var marker = Assert.Single(LocalMarkers(await cluster.HistoryAsync(id)));
        Assert.Equal(("ArgumentException", "this input never works", 1), (marker.Failure!.Type, marker.Failure.Message, marker.Attempts));
        Assert.Null(marker.Result);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task AChainLongerThanTheWorkflowTaskTimeout_AnswersWithinIt_AndContinuesInNewTasks()
    {
        // 150 local activities of 50 ms (7.5 s) against a 5 s task timeout: the worker answers at 4 s (80 %) and goes on
        await using var cluster = await Cluster.StartAsync(
            engineEnvironment: new Dictionary<string, string> { ["Orchestrator__Engine__WorkflowTaskTimeout"] = "00:00:05" },
            workerEnvironment: new Dictionary<string, string> { ["Logging__LogLevel__Orchestrator.Sdk.Hosting"] = "Debug" });
        using var client = new OrchestratorClient(cluster.EngineUrl());
        var id = await cluster.StartWorkflowAsync("LocalChainWorkflow", new { count = 150, milliseconds = 50 }, NewId("local-long"));

        var closed = await cluster.WaitClosedAsync(id);

        Assert.Equal(150, closed.GetProperty("result").GetInt32());
        var events = await cluster.HistoryAsync(id);
        Assert.Equal(Enumerable.Range(1, 150), LocalMarkers(events).Select(m => m.Seq));
        var tasks = events.Where(e => e.EventType == EventTypes.WorkflowTaskCompleted).ToList();
        Assert.True(tasks.Count >= 2, Describe(events));
        Assert.DoesNotContain(events, e => e.EventType == EventTypes.WorkflowTaskFailed);
        // every answer came in time: no task was sent again, so no local activity ran twice
        var attempts = await client.QueryWorkflowAsync<int>(id, "Attempts", timeout: TimeSpan.FromSeconds(30));
        Assert.True(attempts == 150, $"{attempts} attempts of 150 local activities\n{cluster.Logs()}");
        // a task that continues has nothing between its markers and the next WorkflowTaskScheduled
        var firstCompleted = events.ToList().IndexOf(tasks[0]);
        var next = events.Skip(firstCompleted + 1).First(e => e.EventType != EventTypes.MarkerRecorded);
        Assert.Equal(EventTypes.WorkflowTaskScheduled, next.EventType);
        await Invariants.AssertAllRunsSoundAsync(cluster, 1);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task AWorkerKilledDuringAChain_TheRunCompletesOnAnother_EachLocalActivityRecordedOnce()
    {
        await using var cluster = await Cluster.StartAsync(
            engineEnvironment: new Dictionary<string, string> { ["Orchestrator__Engine__WorkflowTaskTimeout"] = "00:00:02" });
        var id = await cluster.StartWorkflowAsync("LocalChainWorkflow", new { count = 200, milliseconds = 20 }, NewId("local-crash"));
        var deadline = DateTime.UtcNow + Cluster.Timeout;
        while (LocalMarkers(await cluster.HistoryAsync(id)).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no local activity was recorded.\n{cluster.Logs()}");
            await Task.Delay(50);
        }

        cluster.KillWorker(0); // in the middle of a later task's local activities
        cluster.StartWorker();

        var closed = await cluster.WaitClosedAsync(id);
        Assert.Equal(200, closed.GetProperty("result").GetInt32());
        Assert.Equal(Enumerable.Range(1, 200), LocalMarkers(await cluster.HistoryAsync(id)).Select(m => m.Seq));
        await Invariants.AssertAllRunsSoundAsync(cluster, 1);
    }
}
