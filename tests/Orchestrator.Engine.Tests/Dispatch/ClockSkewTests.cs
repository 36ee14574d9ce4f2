using Dapper;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Engine.Tests.Dispatch;

/// <summary>
/// The engine's clock decides what is due, in its queries too: a PostgreSQL clock that differs from the engine's neither
/// makes a loop spin nor delays a task.
/// </summary>
public sealed class ClockSkewTests
{
    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task DatabaseClockAheadOfTheEngine_TimerLoopDoesNotSpin_AndTheTimerFiresByTheEngineClock()
    {
        // the engine is an hour behind PostgreSQL: by now() every timer it writes is long due
        await using var engine = await InProcessEngine.StartAsync(s => s.Clock = new OffsetClock(TimeSpan.FromHours(-1)));
        var runId = await EngineDriver.StartAsync(engine, "skew-timer");
        await EngineDriver.AnswerAsync(engine, runId, new StartTimerCommand(1, TimeSpan.FromSeconds(3)));

        var before = await EngineDriver.CommitsAsync(engine);
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // the timer is not due by the engine's clock
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // statistics are flushed within about a second
        var commits = await EngineDriver.CommitsAsync(engine) - before;

        // polling every 200 ms and sweeping every second commit a few dozen transactions in 4 s; a spinning loop thousands
        Assert.True(commits < 200, $"{commits} transactions in 4 s: the timer loop spins.");
        await EngineDriver.WaitUntilAsync(async () => (await EngineDriver.HistoryAsync(engine, runId)).Any(e => e.Type == "TimerFired"),
            TimeSpan.FromSeconds(15), "the timer to fire");
        // fired by the engine's clock, not early by PostgreSQL's (the events' timestamps are the engine's clock): a check of
        // what happened, not of how fast this machine was
        await using var connection = engine.Connect();
        var fireAt = await connection.ExecuteScalarAsync<DateTime>(
            "SELECT (attributes->>'fireAt')::timestamptz FROM history_events WHERE run_id = @runId AND event_type = 'TimerStarted'", new { runId });
        var firedAt = await connection.ExecuteScalarAsync<DateTime>(
            "SELECT \"timestamp\" FROM history_events WHERE run_id = @runId AND event_type = 'TimerFired'", new { runId });
        Assert.True(firedAt >= fireAt, $"fired at {firedAt:O}, before its fire time {fireAt:O}");
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task DatabaseClockBehindTheEngine_LostWorkflowTaskIsSentAgainAfterTheTimeout()
    {
        // the engine is an hour ahead of PostgreSQL: by now() no deadline it writes comes due for an hour
        await using var engine = await InProcessEngine.StartAsync(s =>
        {
            s.Clock = new OffsetClock(TimeSpan.FromHours(1));
            s.WorkflowTaskTimeout = TimeSpan.FromSeconds(1);
        });
        var runId = await EngineDriver.StartAsync(engine, "skew-task");

        await EngineDriver.WaitUntilAsync(async () => (await EngineDriver.OpenTaskAsync(engine, runId)).Attempt >= 2,
            TimeSpan.FromSeconds(15), "the unanswered workflow task to be sent again");
    }
}
