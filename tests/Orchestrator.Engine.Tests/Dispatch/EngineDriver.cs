using Dapper;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Dispatch;

namespace Orchestrator.Engine.Tests.Dispatch;

/// <summary>Plays the worker against an <see cref="InProcessEngine"/>: starts runs and answers their workflow tasks directly.</summary>
internal static class EngineDriver
{
    /// <summary>Starts a run on a task queue of its own (its messages wait in RabbitMQ; nobody consumes them).</summary>
    public static async Task<Guid> StartAsync(InProcessEngine engine, string workflowId, string workflowType = "Driven")
    {
        var (_, runId) = await engine.Get<WorkflowEngine>().StartAsync(new StartWorkflowRequest(workflowType, workflowId,
            "inproc-" + Guid.NewGuid().ToString("N")[..8], null));
        return runId;
    }

    /// <summary>Answers the run's open workflow task with <paramref name="commands"/>, as a worker would.</summary>
    public static async Task AnswerAsync(InProcessEngine engine, Guid runId, params WorkflowCommand[] commands)
    {
        var (scheduled, attempt) = await OpenTaskAsync(engine, runId);
        await engine.Get<TaskAnswerHandler>().HandleAsync(new WorkflowTaskCompletedMessage(runId, scheduled, attempt, commands, "test"));
    }

    public static async Task<(long ScheduledEventId, int Attempt)> OpenTaskAsync(InProcessEngine engine, Guid runId)
    {
        await using var connection = engine.Connect();
        return await connection.QuerySingleAsync<(long, int)>(
            "SELECT scheduled_event_id, attempt FROM workflow_tasks WHERE run_id = @runId", new { runId });
    }

    public static async Task<List<(long Id, string Type, string Attributes)>> HistoryAsync(InProcessEngine engine, Guid runId)
    {
        await using var connection = engine.Connect();
        return (await connection.QueryAsync<(long, string, string)>(
            "SELECT event_id, event_type, attributes::text FROM history_events WHERE run_id = @runId ORDER BY event_id", new { runId })).ToList();
    }

    /// <summary>Transactions committed in the engine's database so far (PostgreSQL's statistics, flushed within about a second).</summary>
    public static async Task<long> CommitsAsync(InProcessEngine engine)
    {
        await using var connection = engine.Connect();
        return await connection.ExecuteScalarAsync<long>("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
    }

    /// <summary>Polls until <paramref name="condition"/> holds or <paramref name="timeout"/> passes (then fails with <paramref name="what"/>).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
