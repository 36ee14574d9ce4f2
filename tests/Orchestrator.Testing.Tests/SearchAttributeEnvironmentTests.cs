using System.Net;
using System.Text.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Sdk;

namespace Orchestrator.Testing.Tests;

/// <summary>Search attributes in memory: registered by the builder or the client, carried by starts, upserted by workflows, listed and counted by query.</summary>
public sealed class SearchAttributeEnvironmentTests
{
    /// <summary>Moves through stages, upserting "Stage" (and removing "Hold") on the way; waits for "ship" in between.</summary>
    [Workflow]
    public sealed class ShipmentWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context, string stage)
        {
            context.UpsertSearchAttributes(new Dictionary<string, object?> { ["Stage"] = stage, ["Hold"] = true });
            await context.WaitForSignalAsync<string>("ship", TimeSpan.FromDays(7));
            context.UpsertSearchAttributes(new Dictionary<string, object?> { ["Stage"] = "shipped", ["Hold"] = null });
            return "shipped";
        }
    }

    private static Task<WorkflowTestEnvironment> StartAsync() => WorkflowTestEnvironment.StartAsync(w => w
        .AddWorkflow<ShipmentWorkflow>()
        .AddSearchAttribute("CustomerId", SearchAttributeType.Keyword)
        .AddSearchAttribute("Stage", SearchAttributeType.Keyword));

    private static StartWorkflowOptions Options(string id, string customer) =>
        new() { WorkflowId = id, SearchAttributes = new Dictionary<string, object> { ["CustomerId"] = customer } };

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task StartAndUpsert_SetTheRunsAttributes_NullRemoves_DescribeShowsThem()
    {
        await using var env = await StartAsync();
        await env.Client.RegisterSearchAttributeAsync("Hold", SearchAttributeType.Bool);
        var handle = await env.Client.StartWorkflowAsync("ShipmentWorkflow", "packing", Options("s-1", "c-1"));

        var open = (await handle.DescribeAsync()).SearchAttributes!;
        Assert.Equal(["CustomerId", "Hold", "Stage"], open.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("c-1", "packing", true), (open["CustomerId"].GetString(), open["Stage"].GetString(), open["Hold"].GetBoolean()));

        await handle.SignalAsync("ship", "now");
        Assert.Equal("shipped", await handle.GetResultAsync<string>());
        var closed = (await handle.DescribeAsync()).SearchAttributes!;
        Assert.Equal(["CustomerId", "Stage"], closed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("shipped", closed["Stage"].GetString());
        await WorkflowReplayer.ReplayAsync<ShipmentWorkflow>(await env.GetHistoryJsonAsync("s-1"));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Registry_AnswersAsTheEngine_SameTypeAgainIsFine_AnotherTypeIs409_BadNameIs400_UnregisteredStartIs400()
    {
        await using var env = await StartAsync();

        await env.Client.RegisterSearchAttributeAsync("CustomerId", SearchAttributeType.Keyword);
        var conflict = await Assert.ThrowsAsync<OrchestratorApiException>(() => env.Client.RegisterSearchAttributeAsync("CustomerId", SearchAttributeType.Int));
        Assert.Equal((HttpStatusCode.Conflict, "Search attribute 'CustomerId' exists with type Keyword."), (conflict.StatusCode, conflict.Detail));
        var builtIn = await Assert.ThrowsAsync<OrchestratorApiException>(() => env.Client.RegisterSearchAttributeAsync("WorkflowId", SearchAttributeType.Keyword));
        Assert.Equal(HttpStatusCode.BadRequest, builtIn.StatusCode);
        Assert.Equal(["CustomerId", "Stage"], (await env.Client.ListSearchAttributesAsync()).Select(a => a.Name));

        var unregistered = await Assert.ThrowsAsync<OrchestratorApiException>(() => env.Client.StartWorkflowAsync("ShipmentWorkflow", "x",
            new StartWorkflowOptions { SearchAttributes = new Dictionary<string, object> { ["Region"] = "eu" } }));
        Assert.Equal(HttpStatusCode.BadRequest, unregistered.StatusCode);
        Assert.Equal("'searchAttributes': search attribute 'Region' is not registered (POST /api/v1/search-attributes registers it).", unregistered.Detail);
        var wrongType = await Assert.ThrowsAsync<OrchestratorApiException>(() => env.Client.StartWorkflowAsync("ShipmentWorkflow", "x",
            new StartWorkflowOptions { SearchAttributes = new Dictionary<string, object> { ["CustomerId"] = 7 } }));
        Assert.Equal("'searchAttributes': search attribute 'CustomerId' is Keyword: its value must be a string.", wrongType.Detail);
        await Assert.ThrowsAsync<ArgumentException>(() => WorkflowTestEnvironment.StartAsync(w => w.AddSearchAttribute("1st", SearchAttributeType.Int)));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task UpsertOfAnUnregisteredAttribute_FailsTheWorkflowTask_AsOnTheEngine()
    {
        await using var env = await WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<ShipmentWorkflow>().AddSearchAttribute("Stage", SearchAttributeType.Keyword));
        var handle = await env.Client.StartWorkflowAsync("ShipmentWorkflow", "packing");

        var error = await Assert.ThrowsAsync<OrchestratorApiException>(() => handle.GetResultAsync<string>());
        Assert.Contains("Hold", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task ListAndCount_ByQuery_MatchTheAttributesAndBuiltIns_InOrder_PageByPage()
    {
        await using var env = await StartAsync();
        await env.Client.RegisterSearchAttributeAsync("Hold", SearchAttributeType.Bool);
        foreach (var (id, customer) in new[] { ("s-1", "c-1"), ("s-2", "c-2"), ("s-3", "c-1"), ("s-4", "c-3"), ("s-5", "c-1") })
        {
            await env.Client.StartWorkflowAsync("ShipmentWorkflow", "packing", Options(id, customer));
            await env.SkipTimeAsync(TimeSpan.FromMinutes(1)); // distinct start times
        }
        await env.Client.SignalWorkflowAsync("s-3", "ship", "now");
        await env.Client.GetResultAsync<string>("s-3");

        async Task<List<string>> Ids(string query) => (await env.Client.ListWorkflowsAsync(query)).Workflows.Select(w => w.WorkflowId).ToList();
        Assert.Equal(["s-5", "s-3", "s-1"], await Ids("CustomerId = 'c-1'"));
        Assert.Equal(["s-1", "s-5"], await Ids("CustomerId = 'c-1' AND ExecutionStatus = 'Running' ORDER BY StartTime ASC"));
        Assert.Equal(["s-4", "s-2"], await Ids("CustomerId IN ('c-2', 'c-3')"));
        Assert.Equal(["s-3"], await Ids("Stage = 'shipped' OR Hold = false"));
        Assert.Equal(["s-5", "s-4", "s-2", "s-1"], await Ids("Hold = true AND WorkflowId STARTS_WITH 's-'"));
        Assert.Equal(["s-4", "s-2"], await Ids("NOT CustomerId = 'c-1'"));
        Assert.Equal(["s-5", "s-4", "s-2", "s-1"], await Ids("CloseTime IS NULL"));
        Assert.Equal(["s-3"], await Ids($"HistoryLength > 3 AND StartTime >= '{env.UtcNow.AddMinutes(-3):yyyy-MM-ddTHH:mm:ssZ}' AND CloseTime IS NOT NULL"));

        var first = await env.Client.ListWorkflowsAsync("ORDER BY WorkflowId", pageSize: 2);
        var second = await env.Client.ListWorkflowsAsync("ORDER BY WorkflowId", pageSize: 2, pageToken: first.NextPageToken);
        var third = await env.Client.ListWorkflowsAsync("ORDER BY WorkflowId", pageSize: 2, pageToken: second.NextPageToken);
        Assert.Equal(["s-1", "s-2", "s-3", "s-4", "s-5"], first.Workflows.Concat(second.Workflows).Concat(third.Workflows).Select(w => w.WorkflowId));
        Assert.Null(third.NextPageToken);
        var otherOrder = await Assert.ThrowsAsync<OrchestratorApiException>(() => env.Client.ListWorkflowsAsync("ORDER BY StartTime", pageToken: first.NextPageToken));
        Assert.Equal(HttpStatusCode.BadRequest, otherOrder.StatusCode);

        Assert.Equal(3, (await env.Client.CountWorkflowsAsync("CustomerId = 'c-1'")).Count);
        var groups = (await env.Client.CountWorkflowsAsync(groupBy: "CustomerId")).Groups!;
        Assert.Equal([("c-1", 3L), ("c-2", 1L), ("c-3", 1L)], groups.Select(g => (g.Value, g.Count)));
        var byStatus = (await env.Client.CountWorkflowsAsync("CustomerId = 'c-1'", "ExecutionStatus")).Groups!;
        Assert.Equal([("Running", 2L), ("Completed", 1L)], byStatus.Select(g => (g.Value, g.Count)));
        Assert.Equal(["s-5", "s-4", "s-2", "s-1"], (await env.Client.ListWorkflowsAsync(WorkflowStatus.Running)).Workflows.Select(w => w.WorkflowId));
    }

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("CustomerId = ", 13, "a value")]
    [InlineData("Region = 'eu'", 0, "registered search attribute")]
    [InlineData("CustomerId > 5", 13, "a string in quotes")]
    [InlineData("Hold > true", 5, "=, != or IN")]
    [InlineData("ExecutionStatus = 'Sleeping'", 18, "Running")]
    public async Task BadQuery_Is400_WithThePositionAndWhatWasExpected(string query, int position, string expected)
    {
        await using var env = await StartAsync();
        await env.Client.RegisterSearchAttributeAsync("Hold", SearchAttributeType.Bool);

        using var response = await env.Http.GetAsync(new Uri("http://orchestrator.test/api/v1/workflows?query=" + Uri.EscapeDataString(query)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Bad query", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(position, problem.RootElement.GetProperty("position").GetInt32());
        Assert.Contains(expected, problem.RootElement.GetProperty("expected").GetString(), StringComparison.Ordinal);
    }
}
