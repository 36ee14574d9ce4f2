using System.Text.Json;
using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

[Collection(EndToEndCollection.Name)]
public sealed class DurableTimerTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TwoSecondTimer_FiresBetweenTwoAndThreeSecondsAfterItStarted_AlsoWhenTheEngineRestartsWhileItWaits()
    {
        await using var cluster = await Cluster.StartAsync();

        var quiet = await cluster.StartWorkflowAsync("TimerWorkflow", 2.0, "timer-quiet");
        Assert.Equal("Completed", Status(await cluster.WaitClosedAsync(quiet)));
        AssertFiredWithin(await cluster.HistoryAsync(quiet), 2.0, 3.0);

        var restarted = await cluster.StartWorkflowAsync("TimerWorkflow", 2.0, "timer-restart");
        var started = (await WaitForEventAsync(cluster, restarted, "TimerStarted")).Single(e => e.EventType == "TimerStarted").Timestamp;
        await cluster.RestartEngineAsync(0); // SIGKILL while the timer waits, then the engine again
        var backAfter = (DateTimeOffset.UtcNow - started).TotalSeconds;
        Assert.Equal("Completed", Status(await cluster.WaitClosedAsync(restarted)));
        // On time when the engine is back before the timer is due (a restart takes ~1.2 s on an idle machine); when a
        // loaded machine makes the restart slower than the timer, it fires as soon as the engine is back.
        AssertFiredWithin(await cluster.HistoryAsync(restarted), 2.0, Math.Max(3.0, backAfter + 1.0));

        await Invariants.AssertAllRunsSoundAsync(cluster, 2);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TenThousandTimersDueInTheSameSecond_TwoEngines_EachFiresExactlyOnce()
    {
        await using var cluster = await Cluster.StartAsync(engines: 2, workers: 1);
        const int workflows = 20, perWorkflow = 500;
        var fireAt = DateTimeOffset.UtcNow.AddSeconds(15);

        var ids = await Task.WhenAll(Enumerable.Range(0, workflows).Select(i =>
            cluster.StartWorkflowAsync("ManyTimersWorkflow", new { fireAt, count = perWorkflow }, $"timers-{i}", engine: i % 2)));
        foreach (var id in ids)
        {
            var closed = await cluster.WaitClosedAsync(id);
            Assert.Equal("Completed", Status(closed));
            Assert.Equal(perWorkflow, closed.GetProperty("result").GetInt32());
        }

        var fired = 0;
        foreach (var run in await cluster.AllRunsAsync())
        {
            var seqs = run.Types.Select((type, i) => (type, i)).Where(e => e.type == "TimerFired")
                .Select(e => JsonDocument.Parse(run.Attributes[e.i]).RootElement.GetProperty("seq").GetInt32()).ToList();
            Assert.Equal(perWorkflow, seqs.Count);
            Assert.Equal(perWorkflow, seqs.Distinct().Count());
            Assert.Equal(perWorkflow, run.Types.Count(t => t == "TimerStarted"));
            fired += seqs.Count;
        }
        Assert.Equal(workflows * perWorkflow, fired);
        await Invariants.AssertAllRunsSoundAsync(cluster, workflows);
    }

    private static void AssertFiredWithin(IReadOnlyList<Contracts.History.HistoryEvent> history, double min, double max)
    {
        var started = history.Single(e => e.EventType == "TimerStarted").Timestamp;
        var fired = history.Single(e => e.EventType == "TimerFired").Timestamp;
        var seconds = (fired - started).TotalSeconds;
        Assert.True(seconds >= min && seconds <= max, $"fired {seconds:0.000} s after it started; expected {min}..{max:0.000} s");
    }
}
