using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Orchestrator.Contracts.Commands;
using Orchestrator.Engine.Tests.Dispatch;

namespace Orchestrator.Engine.Tests.Visibility;

/// <summary>
/// Upserts from a worker through the real engine and PostgreSQL: a valid one lands in the run's row with its event; hostile
/// ones (unknown, too many, too large, wrong type) fail the workflow task and leave the row and the history as they were.
/// </summary>
public sealed class HostileUpsertTests
{
    private static UpsertSearchAttributesCommand Upsert(IEnumerable<(string Name, object? Value)> values) =>
        new(values.ToDictionary(v => v.Name, v => v.Value is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(v.Value)));

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Hostile_upserts_fail_the_task_and_change_nothing_while_a_valid_one_is_written_with_its_event()
    {
        await using var engine = await InProcessEngine.StartAsync(s => s.SweepInterval = TimeSpan.FromMilliseconds(100));
        foreach (var (name, type) in new[] { ("Stage", "Keyword"), ("Items", "Int") })
        {
            using var registered = await engine.Http.PostAsJsonAsync("/api/v1/search-attributes", new { name, type });
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }
        var runId = await EngineDriver.StartAsync(engine, "hostile-upserts");

        await EngineDriver.AnswerAsync(engine, runId, Upsert([("Stage", "paid"), ("Items", 3)]));
        Assert.Equal("""{"Items": 3, "Stage": "paid"}""", await StoredAsync(engine, runId));
        var good = await EngineDriver.HistoryAsync(engine, runId);
        Assert.Contains("\"Stage\":\"paid\"", Assert.Single(good, e => e.Type == "SearchAttributesUpserted").Attributes, StringComparison.Ordinal);

        Assert.True(await engine.Get<Orchestrator.Engine.Dispatch.WorkflowEngine>().SignalAsync("hostile-upserts", "go", null)); // a new workflow task

        (UpsertSearchAttributesCommand Command, string Reason)[] hostile =
        [
            (Upsert([("Stage", "x"), ("DROP TABLE workflow_runs", "x")]), "is not registered"),
            (Upsert([("Items", "three")]), "whole number"),
            (Upsert([("Stage", new string('s', 5000))]), "at most 2048"),
            (Upsert(Enumerable.Range(0, 150).Select(i => ($"Stage{i}", (object?)"x"))), "at most 100"),
        ];
        foreach (var (command, reason) in hostile)
        {
            await EngineDriver.WaitUntilAsync(async () => await DispatchedAsync(engine, runId), TimeSpan.FromSeconds(30), "a workflow task to answer");
            var before = (await EngineDriver.HistoryAsync(engine, runId)).Count;
            await EngineDriver.AnswerAsync(engine, runId, new StartTimerCommand(9, TimeSpan.FromMinutes(1)), command);

            var history = await EngineDriver.HistoryAsync(engine, runId);
            Assert.True(history.Count <= before + 3, "a hostile answer added more than its failure"); // WorkflowTaskStarted/Failed/Scheduled, or nothing on a retry
            Assert.DoesNotContain(history, e => e.Type == "TimerStarted");
            Assert.Contains(history, e => e.Type == "WorkflowTaskFailed" && e.Attributes.Contains("InvalidCommand", StringComparison.Ordinal));
            Assert.Contains(reason, (await LastFailureAsync(engine, runId)) ?? "", StringComparison.Ordinal); // this attempt's reason
            Assert.Equal("""{"Items": 3, "Stage": "paid"}""", await StoredAsync(engine, runId));
            await using var connection = engine.Connect();
            Assert.Equal("Running", await connection.ExecuteScalarAsync<string>("SELECT status FROM workflow_runs WHERE run_id = @runId", new { runId }));
        }

        // the run goes on: the next valid answer removes an attribute and completes
        await EngineDriver.WaitUntilAsync(async () => await DispatchedAsync(engine, runId), TimeSpan.FromSeconds(30), "the retried workflow task");
        await EngineDriver.AnswerAsync(engine, runId, Upsert([("Items", null)]), new CompleteWorkflowCommand(null));
        Assert.Equal("""{"Stage": "paid"}""", await StoredAsync(engine, runId));
    }

    private static async Task<string?> StoredAsync(InProcessEngine engine, Guid runId)
    {
        await using var connection = engine.Connect();
        return await connection.ExecuteScalarAsync<string?>("SELECT search_attributes::text FROM workflow_runs WHERE run_id = @runId", new { runId });
    }

    /// <summary>The open workflow task's last failure (history keeps only the first of a task's failures in a row).</summary>
    private static async Task<string?> LastFailureAsync(InProcessEngine engine, Guid runId)
    {
        await using var connection = engine.Connect();
        return await connection.ExecuteScalarAsync<string?>("SELECT last_failure::text FROM workflow_tasks WHERE run_id = @runId", new { runId });
    }

    private static async Task<bool> DispatchedAsync(InProcessEngine engine, Guid runId)
    {
        await using var connection = engine.Connect();
        return await connection.ExecuteScalarAsync<string>("SELECT state FROM workflow_tasks WHERE run_id = @runId", new { runId }) == "dispatched";
    }
}
