using System.Net;
using System.Text.Json;
using Bunit;
using Bunit.TestDoubles;
using Orchestrator.Dashboard.Api;
using Orchestrator.Dashboard.Components.Shared;

namespace Orchestrator.Dashboard.Tests;

/// <summary>The list's "act on all matching" batch action: the count in its confirmation, the request, the progress, cancel, errors, roles.</summary>
public sealed class BatchActionTests : BunitContext
{
    private const string Query = "WorkflowType = 'OrderWorkflow' ORDER BY StartTime DESC";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly StubEngine engine = new();
    private readonly BunitAuthorizationContext authorization;
    private int describes;

    public BatchActionTests()
    {
        engine.AddTo(this);
        authorization = AddAuthorization();
        authorization.SetAuthorized("ana");
        authorization.SetRoles("Operator");
    }

    /// <summary>The engine: 3 open runs; a batch b-1 of 3, Running with 1 done at the first describe, then Completed (3 done) or, when <paramref name="staysRunning"/>, Running.</summary>
    private void EngineWithABatch(bool staysRunning = false) => engine.Respond = request =>
    {
        var path = request.RequestUri!.AbsolutePath;
        return (request.Method.Method, path) switch
        {
            ("GET", "/api/v1/workflows/count") => (HttpStatusCode.OK, """{"count":3}"""),
            ("POST", "/api/v1/batches") => (HttpStatusCode.Created, """{"batchId":"b-1","total":3}"""),
            ("GET", "/api/v1/batches/b-1") => (HttpStatusCode.OK, Interlocked.Increment(ref describes) == 1 || staysRunning ? Description("Running", 1) : Description("Completed", 3)),
            ("POST", "/api/v1/batches/b-1/cancel") => (HttpStatusCode.OK, Description("Canceled", 1)), // a describe after it still says Running: the page must not go back
            _ => (HttpStatusCode.NotFound, """{"title":"Not Found"}"""),
        };
    };

    private static string Description(string state, int done) => JsonSerializer.Serialize(new
    {
        batchId = "b-1", state, total = 3, done, failed = 0, failures = Array.Empty<object>(), operation = "terminate", query = Query, signalName = (string?)null,
        reason = "bad deploy", maxPerSecond = 50, createdAt = "2026-12-04T19:00:00Z", closedAt = state == "Running" ? null : "2026-12-04T19:00:02Z",
    });

    private IRenderedComponent<BatchAction> RenderAction(string? query = Query, bool disabled = false, Action? onDone = null) =>
        Render<BatchAction>(p => p.Add(x => x.Query, query).Add(x => x.Disabled, disabled).Add(x => x.OnDone, () => onDone?.Invoke()));

    [Fact]
    public void Open_CountsTheOpenRunsOfTheQuery_TheConfirmationShowsCountAndOperation_BackSendsNothing()
    {
        EngineWithABatch();
        var cut = RenderAction();

        cut.Find("button[data-action=batch]").Click();

        cut.WaitForAssertion(() => Assert.Equal("3", cut.Find("[data-open-count]").GetAttribute("data-open-count")), Wait);
        var count = Assert.Single(engine.Requests);
        Assert.Equal("/api/v1/workflows/count?query=" + Uri.EscapeDataString("(WorkflowType = 'OrderWorkflow') AND ExecutionStatus = 'Running'"), count.PathAndQuery);
        Assert.Equal(Query, cut.Find(".batch-query").TextContent);
        Assert.Contains("Terminate 3 runs now?", cut.Find(".confirm").TextContent, StringComparison.Ordinal);
        Assert.Equal("Terminate 3 runs", cut.Find("button[data-action=start-batch]").TextContent.Trim());
        cut.Find("select[name=batch-operation]").Change("Cancel");
        Assert.Contains("Request cancellation of 3 runs?", cut.Find(".confirm").TextContent, StringComparison.Ordinal);

        cut.Find("button[data-action=back]").Click();

        Assert.Equal("idle", cut.Find(".batch-action").GetAttribute("data-step"));
        Assert.Single(engine.Requests);
    }

    [Fact]
    public void Start_Terminate_PostsTheQueryAsWrittenWithTheReason_ThenShowsProgressUntilItCompletes()
    {
        EngineWithABatch();
        var done = 0;
        var cut = RenderAction(onDone: () => done++);
        cut.Find("button[data-action=batch]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-open-count]")), Wait);
        cut.Find("input[name=batch-reason]").Input("bad deploy");
        cut.Find("input[name=batch-max-per-second]").Change("200");

        cut.Find("form.batch-form").Submit();

        cut.WaitForAssertion(() => Assert.Equal("Completed", cut.Find(".batch-progress").GetAttribute("data-state")), Wait);
        var start = Assert.Single(engine.Requests, r => r.Method == HttpMethod.Post);
        Assert.Equal("/api/v1/batches", start.PathAndQuery);
        using var body = JsonDocument.Parse(start.Body);
        Assert.Equal(Query, body.RootElement.GetProperty("query").GetString());
        Assert.Equal("terminate", body.RootElement.GetProperty("operation").GetString());
        Assert.Equal("bad deploy", body.RootElement.GetProperty("reason").GetString());
        Assert.Equal(200, body.RootElement.GetProperty("maxPerSecond").GetInt32());
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("signalName").ValueKind);
        Assert.Equal("3 of 3 done, 0 failed", cut.Find(".progress-text").TextContent);
        Assert.True(describes >= 2, $"{describes} describes"); // Running first, then Completed
        Assert.Empty(cut.FindAll("button[data-action=cancel-batch]"));
        Assert.Equal(1, done);
    }

    [Fact]
    public void Start_Signal_NoNameOrBadJson_ShowsWhyAndSendsNothing_ThenPostsNameAndPayload()
    {
        EngineWithABatch();
        var cut = RenderAction();
        cut.Find("button[data-action=batch]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-open-count]")), Wait);
        cut.Find("select[name=batch-operation]").Change("Signal");

        cut.Find("form.batch-form").Submit();
        Assert.Contains("name", cut.Find("[data-result=invalid]").TextContent, StringComparison.Ordinal);
        cut.Find("input[name=batch-signal-name]").Input("approve");
        cut.Find("textarea[name=batch-signal-input]").Input("{\"by\": ");
        cut.Find("form.batch-form").Submit();
        Assert.Contains("not valid JSON", cut.Find("[data-result=invalid]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(engine.Requests, r => r.Method == HttpMethod.Post);

        cut.Find("textarea[name=batch-signal-input]").Input("{\"by\":\"ana\"}");
        cut.Find("form.batch-form").Submit();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find(".batch-progress")), Wait);
        using var body = JsonDocument.Parse(Assert.Single(engine.Requests, r => r.Method == HttpMethod.Post).Body);
        Assert.Equal(("signal", "approve", "ana"), (body.RootElement.GetProperty("operation").GetString(), body.RootElement.GetProperty("signalName").GetString(),
            body.RootElement.GetProperty("input").GetProperty("by").GetString()));
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("reason").ValueKind);
    }

    [Fact]
    public void Start_EngineRefusesTheQuery_ShowsItWithThePositionMarked_AndStaysOnTheConfirmation()
    {
        engine.Respond = request => request.Method == HttpMethod.Get
            ? (HttpStatusCode.OK, """{"count":2}""")
            : (HttpStatusCode.BadRequest, """{"title":"Bad query","status":400,"detail":"Unknown field 'Foo' at position 4.","position":4,"expected":"a field"}""");
        var cut = RenderAction("Foo = 1 AND Bar = 2");
        cut.Find("button[data-action=batch]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-open-count]")), Wait);

        cut.Find("form.batch-form").Submit();

        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find(".batch-panel .query-error").GetAttribute("data-position")), Wait);
        Assert.Equal("=", cut.Find(".batch-panel .query-error mark").TextContent);
        Assert.Contains("Unknown field 'Foo'", cut.Find(".batch-panel .query-error").TextContent, StringComparison.Ordinal);
        Assert.Equal("confirm", cut.Find(".batch-action").GetAttribute("data-step"));
        Assert.Empty(cut.FindAll(".batch-progress"));
    }

    [Fact]
    public void Start_EngineRefusesWithoutAPosition_ShowsTheProblem()
    {
        engine.Respond = request => request.Method == HttpMethod.Get
            ? (HttpStatusCode.OK, """{"count":2}""")
            : (HttpStatusCode.BadRequest, """{"title":"Bad Request","status":400,"detail":"The query matches more than 1000000 open runs."}""");
        var cut = RenderAction();
        cut.Find("button[data-action=batch]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-open-count]")), Wait);

        cut.Find("form.batch-form").Submit();

        cut.WaitForAssertion(() => Assert.Equal("Engine refused: 400 BadRequest: Bad Request: The query matches more than 1000000 open runs.",
            cut.Find("[data-result=error]").TextContent.Trim()), Wait);
        Assert.Empty(cut.FindAll(".query-error"));
    }

    [Fact]
    public void CountFails_ShowsWhy_AndNoBatchCanStart()
    {
        engine.Respond = _ => (HttpStatusCode.ServiceUnavailable, """{"title":"Query too slow","detail":"The query ran longer than 10 s."}""");
        var cut = RenderAction();

        cut.Find("button[data-action=batch]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Query too slow", cut.Find("[data-result=count-error]").TextContent, StringComparison.Ordinal), Wait);
        Assert.True(cut.Find("button[data-action=start-batch]").HasAttribute("disabled"));
    }

    [Fact]
    public void NoOpenRunMatches_StartIsDisabled()
    {
        engine.Respond = _ => (HttpStatusCode.OK, """{"count":0}""");
        var cut = RenderAction();

        cut.Find("button[data-action=batch]").Click();

        cut.WaitForAssertion(() => Assert.Equal("0", cut.Find("[data-open-count]").GetAttribute("data-open-count")), Wait);
        Assert.True(cut.Find("button[data-action=start-batch]").HasAttribute("disabled"));
        Assert.Contains("nothing to act on", cut.Find(".confirm").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelBatch_WhileRunning_PostsCancel_AndShowsItCanceled_AndPollingStops()
    {
        EngineWithABatch(staysRunning: true);
        var cut = RenderAction();
        cut.Find("button[data-action=batch]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-open-count]")), Wait);
        cut.Find("form.batch-form").Submit();
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find(".batch-progress").GetAttribute("data-done")), Wait);

        cut.Find("button[data-action=cancel-batch]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Canceled", cut.Find(".batch-progress").GetAttribute("data-state")), Wait);
        Assert.Single(engine.Requests, r => r.PathAndQuery == "/api/v1/batches/b-1/cancel" && r.Method == HttpMethod.Post);
        Assert.Contains("200", cut.Find("[data-result=ok]").TextContent, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // two polls' time: the engine's stale "Running" must not show again
        Assert.Equal("Canceled", cut.Find(".batch-progress").GetAttribute("data-state"));
        Assert.Empty(cut.FindAll("button[data-action=cancel-batch]"));
    }

    [Fact]
    public void Viewer_TheButtonIsDisabled_AndAForcedStartIsRefusedWithoutCallingTheEngine()
    {
        EngineWithABatch();
        authorization.SetRoles("Viewer");
        var cut = RenderAction();
        Assert.True(cut.Find("button[data-action=batch]").HasAttribute("disabled"));

        // the handlers run anyway (as when a hostile page enables the buttons): the start is refused here
        cut.Find("button[data-action=batch]").Click();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-open-count]")), Wait);
        Assert.True(cut.Find("button[data-action=start-batch]").HasAttribute("disabled"));
        cut.Find("form.batch-form").Submit();

        cut.WaitForAssertion(() => Assert.Equal("Not sent: 403 Forbidden: ana (Viewer) may not terminate; that needs the Operator role.",
            cut.Find("[data-result=error]").TextContent.Trim()), Wait);
        Assert.DoesNotContain(engine.Requests, r => r.Method == HttpMethod.Post);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(Query, true)]
    public void NoQuery_OrAQueryThatDoesNotParse_TheButtonIsDisabled(string? query, bool disabled)
    {
        var cut = RenderAction(query, disabled);

        Assert.True(cut.Find("button[data-action=batch]").HasAttribute("disabled"));
        Assert.NotNull(RenderAction(Query, false).Find("button[data-action=batch]:not([disabled])"));
    }

    [Theory]
    [InlineData(null, null, null, null, null)]
    [InlineData("WorkflowType = 'A' ORDER BY StartTime", null, null, null, "WorkflowType = 'A' ORDER BY StartTime")]
    [InlineData("A = 1 OR B = 2 ORDER BY StartTime DESC", "Running", null, "o-", "(A = 1 OR B = 2) AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH 'o-' ORDER BY StartTime DESC")]
    [InlineData(null, null, "Bob's", null, "WorkflowType = 'Bob''s'")]
    [InlineData("ORDER BY StartTime", null, "T", null, "WorkflowType = 'T' ORDER BY StartTime")]
    public void BatchQuery_IsTheListsQueryAsWritten_OrItsConditionAndTheFilters(string? query, string? status, string? type, string? prefix, string? expected) =>
        Assert.Equal(expected, BatchQuery.Of(new WorkflowFilter(status, type, prefix, query)));

    [Theory]
    [InlineData("WorkflowType = 'A' ORDER BY StartTime", "(WorkflowType = 'A') AND ExecutionStatus = 'Running'")]
    [InlineData("ORDER BY StartTime", "ExecutionStatus = 'Running'")]
    public void BatchQuery_Open_IsTheConditionAndRunning(string query, string expected) => Assert.Equal(expected, BatchQuery.Open(query));
}
