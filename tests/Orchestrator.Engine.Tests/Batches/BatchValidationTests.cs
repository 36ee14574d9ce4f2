using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Orchestrator.Engine.Tests.Dispatch;

namespace Orchestrator.Engine.Tests.Batches;

/// <summary>An engine with a few open runs, shared by the validation tests (no batch here is meant to be created).</summary>
public sealed class BatchValidationFixture : IAsyncLifetime
{
    internal InProcessEngine Engine { get; private set; } = null!;

    internal List<Guid> Runs { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Engine = await InProcessEngine.StartAsync();
        Runs = await BatchKit.StartRunsAsync(Engine, "Validated", "val", 3);
    }

    public async Task DisposeAsync() => await Engine.DisposeAsync();
}

/// <summary>
/// Bad and hostile <c>POST /api/v1/batches</c> bodies: each gets a 400 problem that says what is wrong (a bad query with
/// its position) and creates nothing, acts on nothing; unknown batch ids are 404.
/// </summary>
public sealed class BatchValidationTests(BatchValidationFixture fixture) : IClassFixture<BatchValidationFixture>
{
    private InProcessEngine Engine => fixture.Engine;

    public static TheoryData<string, string> BadBodies => new()
    {
        { "", "The request body must be" },
        { "[1, 2]", "The request body must be" },
        { "\"terminate\"", "The request body must be" },
        { "{\"operation\":\"terminate\"}", "'query' is required" },
        { "{\"query\":\"   \",\"operation\":\"terminate\"}", "'query' is required" },
        { "{\"query\":42,\"operation\":\"terminate\"}", "'query' is required" },
        { "{\"query\":\"WorkflowType = 'Validated'\"}", "'operation' must be one of cancel, terminate, signal" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":\"delete\"}", "'operation' must be one of cancel, terminate, signal" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":1}", "'operation' must be one of cancel, terminate, signal" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":\"signal\"}", "'signalName' is required" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":\"signal\",\"signalName\":\"a b\"}", "'signalName' may contain only" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":\"signal\",\"signalName\":\"go\",\"reason\":\"why\"}", "'reason' is for operations cancel and terminate" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":\"terminate\",\"signalName\":\"go\"}", "'signalName' is only for operation signal" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":\"cancel\",\"input\":{\"a\":1}}", "'input' is only for operation signal" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":\"terminate\",\"reason\":7}", "'reason' must be a string" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":\"terminate\",\"maxPerSecond\":0}", "'maxPerSecond' must be a whole number from 1 to 1000" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":\"terminate\",\"maxPerSecond\":1001}", "'maxPerSecond' must be a whole number from 1 to 1000" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":\"terminate\",\"maxPerSecond\":2.5}", "'maxPerSecond' must be a whole number from 1 to 1000" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":\"terminate\",\"maxPerSecond\":\"10\"}", "'maxPerSecond' must be a whole number from 1 to 1000" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":\"terminate\",\"maxPerSecond\":99999999999999999999}", "'maxPerSecond' must be a whole number from 1 to 1000" },
        { "{\"query\":\"WorkflowType = 'Validated'\",\"operation\":", "not valid JSON" },
    };

    [Theory(Timeout = TestTimeouts.Integration)]
    [MemberData(nameof(BadBodies))]
    public async Task StartBatch_BadBody_Returns400WithTheReason_AndCreatesNothing(string body, string expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Engine.Http.PostAsync(new Uri("/api/v1/batches", UriKind.Relative), content);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNothingChangedAsync();
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task StartBatch_ReasonOverTheLimit_Returns400()
    {
        var (status, body) = await BatchKit.PostAsync(Engine, new { query = "WorkflowType = 'Validated'", operation = "terminate", reason = new string('r', 2001) });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'reason' is longer than 2000 characters", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNothingChangedAsync();
    }

    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData("WorkflowType = ", 15, "a value")]
    [InlineData("WorkflowType == 'Validated'", 14, null)]
    [InlineData("Nope = 'x'", 0, "a built-in field")]
    [InlineData("ExecutionStatus = 'Sleeping'", 18, null)]
    [InlineData("WorkflowType = 'Validated' AND (", 32, null)]
    [InlineData("WorkflowType = 'Validated'; DROP TABLE workflow_runs; --", 26, null)]
    [InlineData("WorkflowType = 'x' OR 1 = 1", 22, null)]
    public async Task StartBatch_BadQuery_Returns400WithThePosition_AndCreatesNothing(string query, int position, string? expected)
    {
        var (status, body) = await BatchKit.PostAsync(Engine, new { query, operation = "terminate" });

        Assert.True(status == HttpStatusCode.BadRequest, $"{(int)status} {body}");
        Assert.Equal("Bad query", body.GetProperty("title").GetString());
        Assert.Equal(position, body.GetProperty("position").GetInt32());
        if (expected is not null)
        {
            Assert.Contains(expected, body.GetProperty("expected").GetString(), StringComparison.Ordinal);
        }
        await AssertNothingChangedAsync();
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task StartBatch_HostileValuesInTheQuery_AreValuesOnly_AndMatchNothing()
    {
        // quotes, comments and statement separators inside a string literal are part of the value, never SQL
        var id = await BatchKit.StartAsync(Engine, new
        {
            query = "WorkflowId = 'x''; DROP TABLE batches; --' OR WorkflowType IN ('''', ';', '--', '/*')",
            operation = "terminate",
        });

        var batch = await BatchKit.DescribeAsync(Engine, id);
        Assert.Equal(("Completed", 0L), (batch.GetProperty("state").GetString(), BatchKit.Long(batch, "total")));
        Assert.All((await BatchKit.StatusesAsync(Engine, fixture.Runs)).Values, s => Assert.Equal("Running", s));
        await using var connection = Engine.Connect();
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM batches WHERE batch_id = @id", new { id = Guid.Parse(id) }));
        await connection.ExecuteAsync("DELETE FROM batches WHERE batch_id = @id", new { id = Guid.Parse(id) });
    }

    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData("GET", "/api/v1/batches/0193a000-0000-7000-8000-000000000000")]
    [InlineData("GET", "/api/v1/batches/not-a-uuid")]
    [InlineData("GET", "/api/v1/batches/'%20OR%201=1")]
    [InlineData("POST", "/api/v1/batches/0193a000-0000-7000-8000-000000000000/cancel")]
    [InlineData("POST", "/api/v1/batches/not-a-uuid/cancel")]
    public async Task UnknownBatch_Returns404(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        using var response = await Engine.Http.SendAsync(request);

        var problem = await ProblemAsync(response, HttpStatusCode.NotFound);
        Assert.StartsWith("No batch", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task StartBatch_BodyOverTheLimit_Returns413()
    {
        using var response = await Engine.Http.PostAsJsonAsync("/api/v1/batches",
            new { query = "WorkflowType = 'Validated'", operation = "signal", signalName = "go", input = new string('x', 3 * 1024 * 1024) });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertNothingChangedAsync();
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>No batch was created and the runs are as they were (open, no event added).</summary>
    private async Task AssertNothingChangedAsync()
    {
        await using var connection = Engine.Connect();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM batches"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM batch_items"));
        Assert.All((await BatchKit.StatusesAsync(Engine, fixture.Runs)).Values, s => Assert.Equal("Running", s));
        foreach (var run in fixture.Runs)
        {
            Assert.Equal(2, (await EngineDriver.HistoryAsync(Engine, run)).Count); // WorkflowStarted, WorkflowTaskScheduled
        }
    }
}
