using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Orchestrator.Engine.Tests.Visibility;

/// <summary>
/// The list query language against PostgreSQL through the REST API: every operator on built-in fields and on each search
/// attribute type, against known runs; orders and pages; counts; the older filters; and bad or hostile queries.
/// </summary>
public sealed class ListQueryTests(VisibilityFixture fixture) : IClassFixture<VisibilityFixture>
{
    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData("CustomerId = 'c-1'", "v-r1 v-r3")]
    [InlineData("CustomerId != 'c-1'", "v-r2 v-r4")]
    [InlineData("CustomerId IN ('c-2', 'c-3')", "v-r2 v-r4")]
    [InlineData("CustomerId NOT IN ('c-2', 'c-3')", "v-r1 v-r3")]
    [InlineData("NOT CustomerId = 'c-1'", "v-r2 v-r4")]
    [InlineData("CustomerId STARTS_WITH 'c-'", "v-r1 v-r2 v-r3 v-r4")]
    [InlineData("CustomerId > 'c-1'", "v-r2 v-r4")]
    [InlineData("CustomerId IS NULL", "v-r5")]
    [InlineData("CustomerId IS NOT NULL", "v-r1 v-r2 v-r3 v-r4")]
    [InlineData("Amount > 10.5", "v-r2 v-r3")]
    [InlineData("Amount >= 10.5", "v-r1 v-r2 v-r3")]
    [InlineData("Amount < 20", "v-r1")]
    [InlineData("Amount <= 20", "v-r1 v-r2")]
    [InlineData("Amount = 20", "v-r2")]
    [InlineData("Amount BETWEEN 15 AND 30", "v-r2 v-r3")]
    [InlineData("Items = 2", "v-r2")]
    [InlineData("Items IN (1, 3)", "v-r1 v-r3")]
    [InlineData("Items != 1", "v-r2 v-r3")]
    [InlineData("Due BETWEEN '2026-10-31T00:00:00Z' AND '2026-11-02T00:00:00Z'", "v-r1")]
    [InlineData("Due > '2026-11-01T00:00:00Z'", "v-r2")]
    [InlineData("Due = '2026-11-15T11:00:00Z'", "v-r2")]
    [InlineData("Vip = true", "v-r1")]
    [InlineData("Vip = false", "v-r2")]
    [InlineData("Tags = 'b'", "v-r1 v-r2")]
    [InlineData("Tags = 'a'", "v-r1")]
    [InlineData("Tags IN ('a', 'zzz')", "v-r1")]
    [InlineData("Tags != 'a'", "v-r2")]
    [InlineData("Note = 'hello world'", "v-r1")]
    [InlineData("Note STARTS_WITH 'hello'", "v-r1")]
    [InlineData("WorkflowId = 'v-r3'", "v-r3")]
    [InlineData("WorkflowId STARTS_WITH 'v-r'", "v-r1 v-r2 v-r3 v-r4 v-r5")]
    [InlineData("WorkflowId IN ('v-r1', 'v-r5', 'nope')", "v-r1 v-r5")]
    [InlineData("WorkflowType = 'OrderWorkflow'", "v-r1 v-r2 v-r5")]
    [InlineData("WorkflowType = 'OrderWorkflow' AND ExecutionStatus = 'Running'", "v-r5")]
    [InlineData("ExecutionStatus IN ('Completed', 'Failed')", "v-r1 v-r2")]
    [InlineData("ExecutionStatus != 'Running'", "v-r1 v-r2")]
    [InlineData("TaskQueue = 'q2'", "v-r3")]
    [InlineData("CloseTime IS NULL", "v-r3 v-r4 v-r5")]
    [InlineData("CloseTime > '2000-01-01T00:00:00Z'", "v-r1 v-r2")]
    [InlineData("ExecutionDuration > '00:30:00'", "v-r2")]
    [InlineData("ExecutionDuration <= '00:10:00'", "v-r1")]
    [InlineData("HistoryLength = 2", "v-r1 v-r2 v-r3 v-r4 v-r5")]
    [InlineData("HistoryLength > 2", "")]
    [InlineData("ParentWorkflowId = 'v-r1'", "v-r4")]
    [InlineData("ParentWorkflowId IS NOT NULL", "v-r4")]
    [InlineData("StartTime > '2000-01-01T00:00:00Z' AND StartTime < '2999-01-01T00:00:00Z'", "v-r1 v-r2 v-r3 v-r4 v-r5")]
    [InlineData("(CustomerId = 'c-1' OR CustomerId = 'c-2') AND ExecutionStatus = 'Completed'", "v-r1")]
    [InlineData("CustomerId = 'c-1' OR CustomerId = 'c-2' AND ExecutionStatus = 'Completed'", "v-r1 v-r3")]
    [InlineData("workflowtype = 'ShipWorkflow' and not taskqueue = 'q2'", "v-r4")]
    public async Task Each_operator_selects_the_runs_it_should(string query, string expected)
    {
        var ids = await fixture.ListAsync(VisibilityFixture.Query(query));

        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(), ids.Order());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task RunId_matches_its_run()
    {
        Assert.Equal(["v-r4"], await fixture.ListAsync(VisibilityFixture.Query($"RunId = '{fixture.RunIds["v-r4"]}'")));
    }

    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData("workflowType=ShipWorkflow&status=Running", "v-r3 v-r4")]
    [InlineData("workflowIdPrefix=v-r&status=Completed", "v-r1")]
    [InlineData("workflowType=ShipWorkflow&query=CustomerId%20%3D%20%27c-1%27", "v-r3")]
    public async Task The_older_filters_still_work_and_add_to_a_query(string parameters, string expected)
    {
        Assert.Equal(expected.Split(' ').Order(), (await fixture.ListAsync(parameters)).Order());
    }

    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData("ORDER BY StartTime ASC", "v-r1 v-r2 v-r3 v-r4 v-r5")]
    [InlineData("ORDER BY StartTime DESC", "v-r5 v-r4 v-r3 v-r2 v-r1")]
    [InlineData("", "v-r5 v-r4 v-r3 v-r2 v-r1")]
    [InlineData("ORDER BY Amount DESC", "NULLS NULLS v-r3 v-r2 v-r1")]
    [InlineData("ORDER BY Amount ASC", "v-r1 v-r2 v-r3 NULLS NULLS")]
    [InlineData("ORDER BY CloseTime ASC", "v-r1 v-r2 NULLS NULLS NULLS")]
    [InlineData("CustomerId IS NOT NULL ORDER BY CustomerId", "v-r1|v-r3 v-r1|v-r3 v-r2 v-r4")]
    [InlineData("ORDER BY ExecutionDuration DESC", "NULLS NULLS NULLS v-r2 v-r1")]
    [InlineData("ORDER BY CloseTime DESC", "NULLS NULLS NULLS v-r2 v-r1")]
    [InlineData("ORDER BY WorkflowId DESC", "v-r5 v-r4 v-r3 v-r2 v-r1")]
    public async Task Orders_are_kept_across_pages_of_one_with_runs_without_a_value_after_every_value(string query, string expected)
    {
        var all = await fixture.ListAsync(VisibilityFixture.Query(query));
        var paged = await fixture.ListAsync(VisibilityFixture.Query(query), pageSize: 1);

        Assert.Equal(all, paged);
        Assert.Equal(all.Count, all.Distinct().Count());
        var want = expected.Split(' ');
        var nulls = want.Count(w => w == "NULLS");
        if (nulls > 0)
        {
            // runs without the value: every run not named, in run id order (the tie-breaker; PostgreSQL orders uuids as their text)
            var unnamed = all.Where(id => !want.Contains(id)).ToList();
            var byRunId = unnamed.OrderBy(id => fixture.RunIds[id], StringComparer.Ordinal).ToList();
            if (query.EndsWith("DESC", StringComparison.Ordinal))
            {
                byRunId.Reverse();
            }
            Assert.Equal(byRunId, unnamed);
            Assert.Equal(nulls, unnamed.Count);
            Assert.Equal(5, all.Count);
        }
        for (var i = 0; i < want.Length; i++)
        {
            if (want[i] != "NULLS")
            {
                Assert.Contains(all[i], want[i].Split('|'));
            }
        }
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Count_counts_in_all_and_per_group()
    {
        var count = await fixture.Engine.Http.GetFromJsonAsync<JsonElement>("/api/v1/workflows/count?" + VisibilityFixture.Query("WorkflowType = 'OrderWorkflow'"));
        var byStatus = await fixture.Engine.Http.GetFromJsonAsync<JsonElement>("/api/v1/workflows/count?groupBy=ExecutionStatus");
        var byCustomer = await fixture.Engine.Http.GetFromJsonAsync<JsonElement>("/api/v1/workflows/count?groupBy=CustomerId&" + VisibilityFixture.Query("WorkflowId STARTS_WITH 'v-'"));

        Assert.Equal(3, count.GetProperty("count").GetInt64());
        Assert.False(count.TryGetProperty("groups", out _));
        Assert.Equal(new Dictionary<string, long> { ["Running"] = 3, ["Completed"] = 1, ["Failed"] = 1 }, Groups(byStatus));
        Assert.Equal(new Dictionary<string, long> { ["c-1"] = 2, ["c-2"] = 1, ["c-3"] = 1, ["(null)"] = 1 }, Groups(byCustomer));
        Assert.Equal(2, byCustomer.GetProperty("groups")[0].GetProperty("count").GetInt64()); // largest first
    }

    private static Dictionary<string, long> Groups(JsonElement body) => body.GetProperty("groups").EnumerateArray()
        .ToDictionary(g => g.GetProperty("value").GetString() ?? "(null)", g => g.GetProperty("count").GetInt64());

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Describe_and_list_items_carry_the_search_attributes_as_stored()
    {
        var described = await fixture.Engine.Http.GetFromJsonAsync<JsonElement>("/api/v1/workflows/v-r2");
        var listed = await fixture.Engine.Http.GetFromJsonAsync<JsonElement>("/api/v1/workflows?" + VisibilityFixture.Query("WorkflowId = 'v-r2'"));

        var attributes = described.GetProperty("searchAttributes");
        Assert.Equal("2026-11-15T11:00:00.000000Z", attributes.GetProperty("Due").GetString());
        Assert.Equal("c-2", attributes.GetProperty("CustomerId").GetString());
        Assert.Equal(attributes.GetRawText(), listed.GetProperty("workflows")[0].GetProperty("searchAttributes").GetRawText());
        Assert.Empty((await fixture.Engine.Http.GetFromJsonAsync<JsonElement>("/api/v1/workflows/v-r5")).GetProperty("searchAttributes").EnumerateObject());
    }

    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData("WorkflowType = ", 15)]
    [InlineData("workflow_type = 'OrderWorkflow'", 0)]
    [InlineData("WorkflowType = 'x' OR 1 = 1", 22)]
    [InlineData("WorkflowType = 'x'; DELETE FROM workflow_runs", 18)]
    [InlineData("WorkflowType = 'x' -- comment", 19)]
    [InlineData("Amount > 'ten'", 9)]
    [InlineData("Items = 1.5", 8)]
    [InlineData("ExecutionStatus = 'Sleeping'", 18)]
    [InlineData("Vip > true", 4)]
    [InlineData("Tags STARTS_WITH 'a'", 0)]
    [InlineData("Due < 'yesterday'", 6)]
    [InlineData("RunId = 'not-a-uuid'", 8)]
    [InlineData("CustomerId = 'c-1' ORDER BY Tags", 28)]
    [InlineData("pg_sleep(10) IS NULL", 8)]
    public async Task A_bad_or_hostile_query_is_a_400_with_its_position_and_changes_nothing(string query, int position)
    {
        var before = await CountRowsAsync();
        using var response = await fixture.Engine.Http.GetAsync(new Uri("/api/v1/workflows?" + VisibilityFixture.Query(query), UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(position, problem.GetProperty("position").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Equal(before, await CountRowsAsync());
    }

    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData("WorkflowId = ''' OR ''1''=''1'")]
    [InlineData("WorkflowId = 'x''; DROP TABLE workflow_runs; --'")]
    [InlineData("CustomerId = '\"} OR true --'")]
    [InlineData("CustomerId IN ('x'')) OR ((''1''=''1')")]
    [InlineData("Note STARTS_WITH '%'")]
    public async Task Injection_through_values_matches_no_run_and_changes_nothing(string query)
    {
        var before = await CountRowsAsync();

        Assert.Empty(await fixture.ListAsync(VisibilityFixture.Query(query)));
        Assert.Equal(before, await CountRowsAsync());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task A_page_token_of_another_order_or_tampered_with_is_a_400()
    {
        using var first = await fixture.Engine.Http.GetAsync(new Uri("/api/v1/workflows?pageSize=1&" + VisibilityFixture.Query("ORDER BY Amount DESC"), UriKind.Relative));
        var token = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nextPageToken").GetString()!;
        var forged = "v1." + Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { O = "Amount DESC", K = "1; DROP TABLE workflow_runs", R = Guid.Empty }));

        using var otherOrder = await fixture.Engine.Http.GetAsync(new Uri($"/api/v1/workflows?pageToken={Uri.EscapeDataString(token)}", UriKind.Relative));
        using var garbage = await fixture.Engine.Http.GetAsync(new Uri("/api/v1/workflows?pageToken=%25%25%25", UriKind.Relative));
        using var tampered = await fixture.Engine.Http.GetAsync(new Uri($"/api/v1/workflows?pageToken={Uri.EscapeDataString(forged)}&" + VisibilityFixture.Query("ORDER BY Amount DESC"), UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, otherOrder.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
        Assert.Equal(5, await CountRowsAsync());
    }

    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData("{\"name\":\"CustomerId\",\"type\":\"Int\"}", HttpStatusCode.Conflict)]
    [InlineData("{\"name\":\"CustomerId\",\"type\":\"Keyword\"}", HttpStatusCode.OK)]
    [InlineData("{\"name\":\"WorkflowType\",\"type\":\"Keyword\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"name\":\"executionstatus\",\"type\":\"Keyword\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"name\":\"x'; DROP TABLE search_attributes; --\",\"type\":\"Keyword\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"name\":\"Fine\",\"type\":\"Decimal\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"name\":\"Fine\",\"type\":\"3\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"name\":\"Fine\"}", HttpStatusCode.BadRequest)]
    [InlineData("[1]", HttpStatusCode.BadRequest)]
    public async Task Registering_checks_the_name_and_type(string body, HttpStatusCode expected)
    {
        using var response = await fixture.Engine.Http.PostAsync(new Uri("/api/v1/search-attributes", UriKind.Relative),
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        var listed = await fixture.Engine.Http.GetFromJsonAsync<JsonElement>("/api/v1/search-attributes");
        Assert.Equal(7, listed.GetProperty("searchAttributes").GetArrayLength());
        Assert.Contains(listed.GetProperty("searchAttributes").EnumerateArray(), a => a.GetProperty("name").GetString() == "CustomerId" && a.GetProperty("type").GetString() == "Keyword");
    }

    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData("{\"Unknown\":\"x\"}", "not registered")]
    [InlineData("{\"Items\":\"3\"}", "whole number")]
    [InlineData("{\"Due\":\"2026-11-01\"}", "ISO 8601")]
    [InlineData("{\"CustomerId\":null}", "has no value")]
    [InlineData("[1]", "shape")]
    public async Task A_start_with_bad_search_attributes_is_a_400_and_starts_nothing(string attributes, string reason)
    {
        var before = await CountRowsAsync();
        using var response = await fixture.Engine.Http.PostAsync(new Uri("/api/v1/workflows", UriKind.Relative), new StringContent(
            $"{{\"workflowType\":\"OrderWorkflow\",\"searchAttributes\":{attributes}}}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await CountRowsAsync());
    }

    private async Task<long> CountRowsAsync()
    {
        await using var connection = new NpgsqlConnection(fixture.Engine.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM workflow_runs", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
