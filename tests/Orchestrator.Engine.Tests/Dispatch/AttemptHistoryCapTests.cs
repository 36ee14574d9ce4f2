using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Dispatch;
using Xunit.Abstractions;

namespace Orchestrator.Engine.Tests.Dispatch;

/// <summary>An activity that always fails keeps a bounded history: later attempts are only counted on its row.</summary>
public sealed class AttemptHistoryCapTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ActivityFailing300TimesWithoutDelay_HistoryStaysBounded_AndDescribeCountsTheAttempts()
    {
        await using var engine = await InProcessEngine.StartAsync(s => s.SweepInterval = TimeSpan.FromMinutes(1)); // this test dispatches
        var runId = await EngineDriver.StartAsync(engine, "always-failing");
        // the smallest back-off RetryMath takes: any positive interval (zero means the 1 s default)
        var noDelay = new RetryPolicyInfo(TimeSpan.FromTicks(1), 1.0, TimeSpan.FromTicks(1), 0, []);
        await EngineDriver.AnswerAsync(engine, runId, new ScheduleActivityCommand(1, "Fails", JsonDocument.Parse("[]").RootElement.Clone(), RetryPolicy: noDelay));
        var handler = engine.Get<TaskAnswerHandler>();
        var scheduled = (await EngineDriver.HistoryAsync(engine, runId)).Single(e => e.Type == "ActivityScheduled").Id;

        var perRetry = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 300; attempt++)
        {
            var clock = Stopwatch.StartNew();
            await handler.HandleAsync(new ActivityTaskFailedMessage(runId, scheduled, attempt, new FailureInfo("Boom", $"attempt {attempt}"), "test"));
            await handler.DispatchDueActivityAsync(runId, scheduled);
            perRetry.Add(clock.Elapsed);
        }

        output.WriteLine($"per retry: attempts 1-50 {Average(perRetry.Take(50))} ms, attempts 251-300 {Average(perRetry.Skip(250))} ms");
        await using var connection = engine.Connect();
        var (attemptNow, state) = await connection.QuerySingleAsync<(int, string)>(
            "SELECT attempt, state FROM activity_tasks WHERE run_id = @runId", new { runId });
        Assert.Equal((301, "dispatched"), (attemptNow, state));
        var history = await EngineDriver.HistoryAsync(engine, runId);
        Assert.Equal(Orchestrator.Engine.Decider.RunDecider.MaxRecordedAttemptFailures, history.Count(e => e.Type == "ActivityAttemptFailed"));
        Assert.True(history.Count <= 5 + Orchestrator.Engine.Decider.RunDecider.MaxRecordedAttemptFailures, $"history has {history.Count} events");

        using var describe = JsonDocument.Parse(await engine.Http.GetStringAsync("/api/v1/workflows/always-failing"));
        var pending = describe.RootElement.GetProperty("pendingActivities")[0];
        Assert.Equal(301, pending.GetProperty("attempt").GetInt32());
        Assert.Contains("attempt 300", pending.GetProperty("lastFailure").GetRawText());

    }

    private static string Average(IEnumerable<TimeSpan> times) => times.Average(t => t.TotalMilliseconds).ToString("0.00");
}
