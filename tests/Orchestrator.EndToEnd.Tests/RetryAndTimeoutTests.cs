using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class RetryAndTimeoutTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private Cluster Cluster => fixture.Cluster;

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ActivityFailingTwice_CompletesOnAttempt3_WithThePolicysIntervals_AndEachFailureInHistory()
    {
        var dir = NewMarkDirectory();
        var id = await Cluster.StartWorkflowAsync("FlakyWorkflow", new { dir, n = 2, initialSeconds = 1.0 }, "flaky-" + Guid.NewGuid().ToString("N")[..6]);

        var closed = await Cluster.WaitClosedAsync(id);
        Assert.Equal("Completed", Status(closed));
        Assert.Equal(3, closed.GetProperty("result").GetInt32());
        var first = (MarkTime(dir, "start 2") - MarkTime(dir, "start 1")).TotalSeconds;   // 1 s back-off
        var second = (MarkTime(dir, "start 3") - MarkTime(dir, "start 2")).TotalSeconds;  // 2 s back-off
        Assert.InRange(first, 0.9, 2.5);
        Assert.InRange(second, 1.9, 3.5);

        var history = await Cluster.HistoryAsync(id);
        var attempts = history.Where(e => e.EventType == "ActivityAttemptFailed").ToList();
        Assert.Equal([1, 2], attempts.Select(e => Attr(e, "attempt").GetInt32()));
        Assert.All(attempts, e =>
        {
            var failure = Attr(e, "failure");
            Assert.Equal("InvalidOperationException", failure.GetProperty("type").GetString());
            Assert.Contains("FlakyAsync", failure.GetProperty("stackTrace").GetString());
        });
        Assert.Equal("flaky attempt 2", Attr(attempts[1], "failure").GetProperty("message").GetString());
        Assert.Equal(3, Attr(history.Single(e => e.EventType == "ActivityStarted"), "attempt").GetInt32());
        Assert.Single(history, e => e.EventType == "ActivityCompleted");
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task NonRetryableErrorType_FailsAtOnceOnAttempt1_AndTheWorkflowCatchesItByType()
    {
        var dir = NewMarkDirectory();
        var id = await Cluster.StartWorkflowAsync("NonRetryableWorkflow", new { dir }, "declined-" + Guid.NewGuid().ToString("N")[..6]);

        var closed = await Cluster.WaitClosedAsync(id);
        Assert.Equal("declined:1", closed.GetProperty("result").GetString());
        Assert.Single(Lines(dir));
        var failed = (await Cluster.HistoryAsync(id)).Single(e => e.EventType == "ActivityFailed");
        Assert.Equal("CardDeclinedException", Attr(failed, "failure").GetProperty("type").GetString());
        Assert.Contains("DeclineAsync", Attr(failed, "failure").GetProperty("stackTrace").GetString());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task AttemptPastStartToCloseTimeout_IsRetriedWhileStillRunning_AndItsLateResultIsIgnored()
    {
        var dir = NewMarkDirectory();
        var id = await Cluster.StartWorkflowAsync("HangingAttemptWorkflow", new { dir }, "hang-" + Guid.NewGuid().ToString("N")[..6]);

        var closed = await Cluster.WaitClosedAsync(id);
        Assert.Equal("result of attempt 2", closed.GetProperty("result").GetString());
        await WaitUntilAsync(() => Lines(dir).Any(l => l.StartsWith("end 1 ", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), "attempt 1 to end");
        Assert.True(MarkTime(dir, "start 2") < MarkTime(dir, "end 1"), "attempt 2 started while attempt 1 still ran");
        var history = await Cluster.HistoryAsync(id);
        var timedOut = history.Single(e => e.EventType == "ActivityAttemptFailed");
        Assert.Equal("StartToClose", Attr(timedOut, "timeoutType").GetString());
        Assert.Single(history, e => e.EventType == "ActivityCompleted");
        var runId = closed.GetProperty("runId").GetString();
        await Cluster.WaitForEngineLogAsync(
            l => l.Contains($"Dropped stale activity result for run {runId}", StringComparison.Ordinal) && l.Contains("attempt 1)", StringComparison.Ordinal),
            "that it dropped attempt 1's late result");
        Assert.Equal(history.Count, (await Cluster.HistoryAsync(id)).Count);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ScheduleToCloseTimeout_StopsRetrying()
    {
        var dir = NewMarkDirectory();
        var id = await Cluster.StartWorkflowAsync("ScheduleToCloseWorkflow", new { dir }, "s2c-" + Guid.NewGuid().ToString("N")[..6]);

        var closed = await Cluster.WaitClosedAsync(id);
        Assert.StartsWith("gave up: ", closed.GetProperty("result").GetString());
        var history = await Cluster.HistoryAsync(id);
        var timedOut = history.Single(e => e.EventType == "ActivityTimedOut");
        Assert.Equal("ScheduleToClose", Attr(timedOut, "timeoutType").GetString());
        var scheduled = history.Single(e => e.EventType == "ActivityScheduled").Timestamp;
        Assert.InRange((timedOut.Timestamp - scheduled).TotalSeconds, 1.5, 6);
        Assert.InRange(Lines(dir).Length, 2, 4); // retried about every second until 3.5 s had passed
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ScheduleToStartTimeout_TimesOutATaskNoWorkerTakes_ButNotOneThatRunsLongerOnceTaken()
    {
        var id = await Cluster.StartWorkflowAsync("ScheduleToStartWorkflow", new { dir = "" }, "s2s-" + Guid.NewGuid().ToString("N")[..6]);

        var closed = await Cluster.WaitClosedAsync(id);
        Assert.Equal("step1;ActivityTimedOut", closed.GetProperty("result").GetString());
        var history = await Cluster.HistoryAsync(id);
        var timedOut = history.Single(e => e.EventType == "ActivityTimedOut");
        Assert.Equal("ScheduleToStart", Attr(timedOut, "timeoutType").GetString());
        var scheduled = history.Last(e => e.EventType == "ActivityScheduled").Timestamp;
        Assert.InRange((timedOut.Timestamp - scheduled).TotalSeconds, 2.0, 4.5);
        Assert.DoesNotContain(history, e => e.EventType == "ActivityAttemptFailed");
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task HeartbeatingActivityThatStopsHeartbeating_TimesOutAfterHeartbeatTimeout_AndItsTokenIsCanceled()
    {
        var dir = NewMarkDirectory();
        var id = await Cluster.StartWorkflowAsync("HeartbeatStopWorkflow", new { dir }, "hb-" + Guid.NewGuid().ToString("N")[..6]);

        var closed = await Cluster.WaitClosedAsync(id);
        Assert.Equal("ok on attempt 2", closed.GetProperty("result").GetString());
        var history = await Cluster.HistoryAsync(id);
        var timedOut = history.Single(e => e.EventType == "ActivityAttemptFailed");
        Assert.Equal("Heartbeat", Attr(timedOut, "timeoutType").GetString());
        var silentFor = (timedOut.Timestamp - MarkTime(dir, "silent 1")).TotalSeconds; // last heartbeat ~ when it went silent
        Assert.InRange(silentFor, 1.0, 4.5);
        await WaitUntilAsync(() => Lines(dir).Any(l => l.StartsWith("canceled 1 ", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "attempt 1's token to be canceled");
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task SixtySecondJobWithFifteenSecondAttempts_FinishesByResumingFromHeartbeatDetails()
    {
        var dir = NewMarkDirectory();
        var id = await Cluster.StartWorkflowAsync("ResumableJobWorkflow", new { dir, n = 60 }, "job-" + Guid.NewGuid().ToString("N")[..6]);

        var closed = await Cluster.WaitClosedAsync(id, TimeSpan.FromSeconds(150));
        Assert.Equal("Completed", Status(closed));
        var result = closed.GetProperty("result").GetString()!;
        Assert.StartsWith("60 steps, finished on attempt ", result);
        var starts = Lines(dir).Where(l => l.StartsWith("start ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToList();
        Assert.True(starts.Count >= 4, $"at least 4 attempts of at most 15 s each: {string.Join(" | ", Lines(dir))}");
        var resumedFrom = starts.Select(s => int.Parse(s[3])).ToList();
        Assert.Equal(0, resumedFrom[0]);
        Assert.All(resumedFrom.Skip(1), from => Assert.True(from > 0));
        Assert.Equal(resumedFrom.Order(), resumedFrom); // each attempt resumed where the previous one got to
        var history = await Cluster.HistoryAsync(id);
        Assert.Equal(starts.Count - 1, history.Count(e => e.EventType == "ActivityAttemptFailed"));
        // ActivityStarted tells when the last attempt began (the worker's report), not when its result came: it ran 1 s or more
        var ran = history.Single(e => e.EventType == "ActivityCompleted").Timestamp - history.Single(e => e.EventType == "ActivityStarted").Timestamp;
        Assert.True(ran >= TimeSpan.FromSeconds(0.9), $"the last attempt's ActivityStarted is {ran} before its ActivityCompleted");
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task SagaWhoseThirdStepFails_CompensatesTheFirstTwoInReverseOrder()
    {
        var dir = NewMarkDirectory();
        var id = await Cluster.StartWorkflowAsync("BookingSagaWorkflow", new { dir, n = 0 }, "saga-" + Guid.NewGuid().ToString("N")[..6]);

        Assert.Equal("compensated", (await Cluster.WaitClosedAsync(id)).GetProperty("result").GetString());
        Assert.Equal(["book a", "book b", "book c", "undo b", "undo a"], Lines(dir).Select(l => l[..l.LastIndexOf(' ')]));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task SagaWithContinueOnCompensationError_ReportsTheFailingCompensation_AndStillRunsTheRest()
    {
        var dir = NewMarkDirectory();
        var id = await Cluster.StartWorkflowAsync("BookingSagaWorkflow", new { dir, n = 1 }, "saga-err-" + Guid.NewGuid().ToString("N")[..6]);

        var result = (await Cluster.WaitClosedAsync(id)).GetProperty("result").GetString();
        Assert.StartsWith("compensation failed: ", result);
        Assert.Contains("undo b failed", result);
        Assert.Equal(["book a", "book b", "book c", "undo b", "undo a"], Lines(dir).Select(l => l[..l.LastIndexOf(' ')]));
    }
}
