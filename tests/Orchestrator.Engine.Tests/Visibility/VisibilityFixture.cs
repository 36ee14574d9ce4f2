using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Orchestrator.Engine.Tests.Dispatch;

namespace Orchestrator.Engine.Tests.Visibility;

/// <summary>
/// An engine on its own database with registered search attributes and five runs of known shape (statuses, close times and
/// parents set in the table), for the list query tests. No worker runs: the open runs stay open.
/// </summary>
public sealed class VisibilityFixture : IAsyncLifetime
{
    internal InProcessEngine Engine { get; private set; } = null!;

    /// <summary>Run ids by workflow id (v-r1 ... v-r5).</summary>
    public Dictionary<string, string> RunIds { get; } = [];

    public async Task InitializeAsync()
    {
        Engine = await InProcessEngine.StartAsync();
        foreach (var (name, type) in new[] { ("CustomerId", "Keyword"), ("Amount", "Double"), ("Items", "Int"), ("Due", "Datetime"), ("Vip", "Bool"),
                     ("Tags", "KeywordList"), ("Note", "Text") })
        {
            using var registered = await Engine.Http.PostAsJsonAsync("/api/v1/search-attributes", new { name, type });
            Assert.True(registered.StatusCode == HttpStatusCode.Created, $"register {name}: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync()}");
        }
        await StartAsync("v-r1", "OrderWorkflow", "q1", new { CustomerId = "c-1", Amount = 10.5, Items = 1, Due = "2026-11-01T00:00:00Z", Vip = true, Tags = new[] { "a", "b" }, Note = "hello world" });
        await StartAsync("v-r2", "OrderWorkflow", "q1", new { CustomerId = "c-2", Amount = 20, Items = 2, Due = "2026-11-15T12:00:00+01:00", Vip = false, Tags = new[] { "b" } });
        await StartAsync("v-r3", "ShipWorkflow", "q2", new { CustomerId = "c-1", Amount = 30, Items = 3 });
        await StartAsync("v-r4", "ShipWorkflow", "q1", new { CustomerId = "c-3" });
        await StartAsync("v-r5", "OrderWorkflow", "q1", null);
        await using var connection = new NpgsqlConnection(Engine.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            UPDATE workflow_runs SET status = 'Completed', closed_at = started_at + interval '10 minutes' WHERE workflow_id = 'v-r1';
            UPDATE workflow_runs SET status = 'Failed', closed_at = started_at + interval '60 minutes' WHERE workflow_id = 'v-r2';
            UPDATE workflow_runs SET parent_workflow_id = 'v-r1' WHERE workflow_id = 'v-r4';
            DELETE FROM workflow_tasks WHERE run_id IN (SELECT run_id FROM workflow_runs WHERE workflow_id IN ('v-r1', 'v-r2'));
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task StartAsync(string workflowId, string type, string queue, object? searchAttributes)
    {
        using var response = await Engine.Http.PostAsJsonAsync("/api/v1/workflows", new
        {
            workflowType = type, workflowId, taskQueue = queue,
            searchAttributes = searchAttributes is null ? (JsonElement?)null : JsonSerializer.SerializeToElement(searchAttributes), // names as written
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"start {workflowId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        RunIds[workflowId] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
    }

    /// <summary>The workflow ids of every page of <c>GET /api/v1/workflows</c> with these query parameters, in order.</summary>
    public async Task<List<string>> ListAsync(string parameters, int pageSize = 1000)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            var url = $"/api/v1/workflows?pageSize={pageSize}&{parameters}" + (token is null ? "" : "&pageToken=" + Uri.EscapeDataString(token));
            using var response = await Engine.Http.GetAsync(new Uri(url, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
            using var page = JsonDocument.Parse(body);
            ids.AddRange(page.RootElement.GetProperty("workflows").EnumerateArray().Select(w => w.GetProperty("workflowId").GetString()!));
            token = page.RootElement.TryGetProperty("nextPageToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            Assert.True(ids.Count < 100, "the pages do not end");
        }
        while (token is not null);
        return ids;
    }

    public static string Query(string query) => "query=" + Uri.EscapeDataString(query);

    public async Task DisposeAsync() => await Engine.DisposeAsync();
}
