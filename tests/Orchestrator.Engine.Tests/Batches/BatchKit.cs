using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Orchestrator.Engine.Tests.Dispatch;

namespace Orchestrator.Engine.Tests.Batches;

/// <summary>Calls of the batch API against an <see cref="InProcessEngine"/>, and what the database says of the runs.</summary>
internal static class BatchKit
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>Starts <paramref name="count"/> runs of <paramref name="workflowType"/> (ids <c>{prefix}-0</c>...), one after the other (start times in that order).</summary>
    public static async Task<List<Guid>> StartRunsAsync(InProcessEngine engine, string workflowType, string prefix, int count)
    {
        var runs = new List<Guid>(count);
        for (var i = 0; i < count; i++)
        {
            runs.Add(await EngineDriver.StartAsync(engine, $"{prefix}-{i}", workflowType));
        }
        return runs;
    }

    /// <summary>POST /api/v1/batches with <paramref name="body"/>: the status and the body as JSON.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(InProcessEngine engine, object body)
    {
        using var response = await engine.Http.PostAsJsonAsync("/api/v1/batches", body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Starts a batch that must be accepted; its id.</summary>
    public static async Task<string> StartAsync(InProcessEngine engine, object body)
    {
        var (status, answer) = await PostAsync(engine, body);
        Assert.True(status == HttpStatusCode.Created, $"{(int)status} {answer}");
        return answer.GetProperty("batchId").GetString()!;
    }

    public static async Task<JsonElement> DescribeAsync(InProcessEngine engine, string batchId)
    {
        using var response = await engine.Http.GetAsync(new Uri($"/api/v1/batches/{batchId}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Polls the batch until <paramref name="condition"/> holds of its describe body; returns that body.</summary>
    public static async Task<JsonElement> WaitForAsync(InProcessEngine engine, string batchId, Func<JsonElement, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var batch = await DescribeAsync(engine, batchId);
            if (condition(batch))
            {
                return batch;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}: {batch}");
            await Task.Delay(50);
        }
    }

    public static Task<JsonElement> WaitClosedAsync(InProcessEngine engine, string batchId) =>
        WaitForAsync(engine, batchId, b => b.GetProperty("state").GetString() != "Running", "the batch to close");

    /// <summary>How many events of <paramref name="eventType"/> each run has, in its history and buffered (a signal that waits for a workflow task in flight).</summary>
    public static async Task<Dictionary<Guid, int>> EventCountsAsync(InProcessEngine engine, IReadOnlyCollection<Guid> runs, string eventType)
    {
        await using var connection = engine.Connect();
        var rows = await connection.QueryAsync<(Guid RunId, int Count)>("""
            SELECT r, (SELECT count(*) FROM history_events h WHERE h.run_id = r AND h.event_type = @eventType)
                    + (SELECT count(*) FROM buffered_events b WHERE b.run_id = r AND b.event_type = @eventType)
            FROM unnest(@runs) AS r
            """, new { runs = runs.ToArray(), eventType });
        return rows.ToDictionary(r => r.RunId, r => r.Count);
    }

    public static async Task<Dictionary<Guid, string>> StatusesAsync(InProcessEngine engine, IReadOnlyCollection<Guid> runs)
    {
        await using var connection = engine.Connect();
        var rows = await connection.QueryAsync<(Guid RunId, string Status)>("SELECT run_id, status FROM workflow_runs WHERE run_id = ANY(@runs)", new { runs = runs.ToArray() });
        return rows.ToDictionary(r => r.RunId, r => r.Status);
    }

    public static long Long(JsonElement batch, string name) => batch.GetProperty(name).GetInt64();
}
