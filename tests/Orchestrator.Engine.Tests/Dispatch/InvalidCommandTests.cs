using System.Text.Json;
using Dapper;
using Orchestrator.Contracts.Commands;
using Orchestrator.Engine.Dispatch;

namespace Orchestrator.Engine.Tests.Dispatch;

/// <summary>A workflow task whose commands break a rule fails visibly and is retried; it never becomes a poison message.</summary>
public sealed class InvalidCommandTests
{
    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ChildOnATaskQueuePastAmqpsLimit_FailsTheWorkflowTaskAsInvalidCommand_RunStaysOpenAndIsRetried()
    {
        await using var engine = await InProcessEngine.StartAsync(s => s.SweepInterval = TimeSpan.FromMilliseconds(100));
        var runId = await EngineDriver.StartAsync(engine, "bad-child-queue");
        var queue = new string('q', 300); // "orchestrator-workflow-" + this is past AMQP's 255-byte queue names

        await EngineDriver.AnswerAsync(engine, runId,
            new StartTimerCommand(1, TimeSpan.FromMinutes(5)),
            new StartChildWorkflowCommand(2, "Child", "bad-child-queue-child", queue, null));

        var history = await EngineDriver.HistoryAsync(engine, runId);
        var failed = Assert.Single(history, e => e.Type == "WorkflowTaskFailed");
        using (var attributes = JsonDocument.Parse(failed.Attributes))
        {
            var failure = attributes.RootElement.GetProperty("failure");
            Assert.Equal("InvalidCommand", failure.GetProperty("type").GetString());
            Assert.Contains("Command 2 (StartChildWorkflow, seq 2): 'taskQueue' is longer than 200 characters.", failure.GetProperty("message").GetString());
        }
        // nothing of the answer was applied: no timer, no child run
        Assert.DoesNotContain(history, e => e.Type is "TimerStarted" or "ChildWorkflowStarted");
        await using (var connection = engine.Connect())
        {
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM workflow_runs"));
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM timers"));
            Assert.Equal("Running", await connection.ExecuteScalarAsync<string>("SELECT status FROM workflow_runs WHERE run_id = @runId", new { runId }));
        }
        // retried with back-off: the sweeper sends attempt 2 after about a second
        await EngineDriver.WaitUntilAsync(async () => (await EngineDriver.OpenTaskAsync(engine, runId)).Attempt == 2
            && await StateAsync(engine, runId) == "dispatched", TimeSpan.FromSeconds(15), "the retry of the failed workflow task");

        // the retry answers the same: it fails again without new events, and the back-off grows
        await EngineDriver.AnswerAsync(engine, runId, new StartChildWorkflowCommand(2, "Child", "bad-child-queue-child", queue, null));
        Assert.Equal(history.Count, (await EngineDriver.HistoryAsync(engine, runId)).Count);
        var (_, attempt) = await EngineDriver.OpenTaskAsync(engine, runId);
        Assert.Equal(3, attempt);
        Assert.Equal("scheduled", await StateAsync(engine, runId));

        // the run is consistent: a valid answer on the next attempt is applied
        await EngineDriver.WaitUntilAsync(async () => await StateAsync(engine, runId) == "dispatched", TimeSpan.FromSeconds(15), "attempt 3");
        await EngineDriver.AnswerAsync(engine, runId, new CompleteWorkflowCommand(null));
        await using (var connection = engine.Connect())
        {
            Assert.Equal("Completed", await connection.ExecuteScalarAsync<string>("SELECT status FROM workflow_runs WHERE run_id = @runId", new { runId }));
        }
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task RunWithAWorkflowIdNearPgNotifysLimit_Closes()
    {
        await using var engine = await InProcessEngine.StartAsync();
        var id = new string('n', 7_990); // not through REST (400 characters at most): as a child id from an unchecked worker could be
        await EngineDriver.StartAsync(engine, id);

        Assert.True(await engine.Get<WorkflowEngine>().TerminateAsync(id, "done"));

        await using var connection = engine.Connect();
        Assert.Equal("Terminated", await connection.ExecuteScalarAsync<string>("SELECT status FROM workflow_runs WHERE workflow_id = @id", new { id }));
    }

    private static async Task<string> StateAsync(InProcessEngine engine, Guid runId)
    {
        await using var connection = engine.Connect();
        return await connection.ExecuteScalarAsync<string>("SELECT state FROM workflow_tasks WHERE run_id = @runId", new { runId }) ?? "";
    }
}
