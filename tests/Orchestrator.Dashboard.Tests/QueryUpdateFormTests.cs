using System.Net;
using Bunit;
using Bunit.TestDoubles;
using Orchestrator.Dashboard.Api;
using Orchestrator.Dashboard.Components.Shared;

namespace Orchestrator.Dashboard.Tests;

/// <summary>The run page's query form (every role, nothing recorded) and update form (operators, with a confirmation).</summary>
public sealed class QueryUpdateFormTests : BunitContext
{
    private const string RunId = "8a6b1c1e-0000-0000-0000-000000000001";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly StubEngine engine = new();
    private readonly BunitAuthorizationContext authorization;

    public QueryUpdateFormTests()
    {
        engine.AddTo(this);
        authorization = AddAuthorization();
        authorization.SetAuthorized("ana");
        authorization.SetRoles("Operator");
    }

    private IRenderedComponent<QueryForm> RenderQuery() => Render<QueryForm>(p => p.Add(x => x.WorkflowId, "order 42").Add(x => x.RunId, RunId));

    private IRenderedComponent<UpdateForm> RenderUpdate() => Render<UpdateForm>(p => p.Add(x => x.WorkflowId, "order 42"));

    [Theory]
    [InlineData("{\"sku\": ")]
    [InlineData("'pen'")]
    public void Query_BadJson_ShowsErrorAndSendsNothing(string argument)
    {
        var cut = RenderQuery();
        cut.Find("input[name=query-name]").Input("phase");
        cut.Find("textarea[name=query-argument]").Input(argument);

        cut.Find("form").Submit();

        Assert.Contains("not valid JSON", cut.Find("[data-result=invalid]").TextContent, StringComparison.Ordinal);
        Assert.Empty(engine.Requests);
    }

    [Fact]
    public void Query_NoName_ShowsErrorAndSendsNothing()
    {
        var cut = RenderQuery();

        cut.Find("form").Submit();

        Assert.Contains("name", cut.Find("[data-result=invalid]").TextContent, StringComparison.Ordinal);
        Assert.Empty(engine.Requests);
    }

    [Fact]
    public void Query_Viewer_PostsToTheRun_AndShowsTheResultJson()
    {
        authorization.SetRoles("Viewer");
        engine.Respond = _ => (HttpStatusCode.OK, """{"result":{"phase":"waiting","items":2}}""");
        var cut = RenderQuery();
        cut.Find("input[name=query-name]").Input(" phase ");
        cut.Find("textarea[name=query-argument]").Input("{\"verbose\":true}");

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Contains("\"phase\": \"waiting\"", cut.Find("[data-query-result] pre.json").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal("phase", cut.Find("[data-query-result]").GetAttribute("data-query-name"));
        var request = Assert.Single(engine.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"/api/v1/workflows/order%2042/queries/phase?runId={RunId}", request.PathAndQuery);
        Assert.Equal("{\"verbose\":true}", request.Body);
    }

    [Fact]
    public void Query_BlankArgument_SendsNoBody_NullResultShowsNull()
    {
        engine.Respond = _ => (HttpStatusCode.OK, """{"result":null}""");
        var cut = RenderQuery();
        cut.Find("input[name=query-name]").Input("phase");

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Equal("null", cut.Find("[data-query-result] pre.json").TextContent), Wait);
        Assert.Equal("", Assert.Single(engine.Requests).Body);
    }

    [Fact]
    public void Query_EngineRefuses_ShowsTitleAndDetail()
    {
        engine.Respond = _ => (HttpStatusCode.BadRequest, """{"title":"Bad request","detail":"Workflow StuckWorkflow has no query 'phse'. Its queries: phase."}""");
        var cut = RenderQuery();
        cut.Find("input[name=query-name]").Input("phse");

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Equal("Engine refused: 400 BadRequest: Bad request: Workflow StuckWorkflow has no query 'phse'. Its queries: phase.",
            cut.Find("[data-result=error]").TextContent.Trim()), Wait);
        Assert.Empty(cut.FindAll("[data-query-result]"));
    }

    [Fact]
    public void Update_BadJsonOrNoName_ShowsErrorAndSendsNothing()
    {
        var cut = RenderUpdate();
        cut.Find("form").Submit();
        Assert.Contains("name", cut.Find("[data-result=invalid]").TextContent, StringComparison.Ordinal);

        cut.Find("input[name=update-name]").Input("SetPhase");
        cut.Find("textarea[name=update-argument]").Input("packing");
        cut.Find("form").Submit();

        Assert.Contains("not valid JSON", cut.Find("[data-result=invalid]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("button[data-action=confirm]"));
        Assert.Empty(engine.Requests);
    }

    [Fact]
    public void Update_BackOut_SendsNothing_Confirmed_PostsArgument_AndShowsTheResult()
    {
        engine.Respond = _ => (HttpStatusCode.OK, $$"""{"updateId":"u-1","status":"Completed","result":"waiting","runId":"{{RunId}}"}""");
        ActionResult? done = null;
        var cut = Render<UpdateForm>(p => p.Add(x => x.WorkflowId, "order 42").Add(x => x.OnDone, (ActionResult r) => done = r));
        cut.Find("input[name=update-name]").Input("SetPhase");
        cut.Find("textarea[name=update-argument]").Input("\"packing\"");
        cut.Find("form").Submit();
        cut.Find("button[data-action=back]").Click();
        cut.Find("form").Submit();
        Assert.Empty(engine.Requests); // nothing before the confirmation

        cut.Find("button[data-action=confirm]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Completed", cut.Find(".update-outcome").GetAttribute("data-update-status")), Wait);
        Assert.Equal("\"waiting\"", cut.Find(".update-outcome pre.json").TextContent);
        Assert.Contains("u-1", cut.Find(".update-outcome [data-result=ok]").TextContent, StringComparison.Ordinal);
        var request = Assert.Single(engine.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/api/v1/workflows/order%2042/updates/SetPhase?waitSeconds=4", request.PathAndQuery);
        Assert.Equal("\"packing\"", request.Body);
        Assert.Equal(HttpStatusCode.OK, done?.StatusCode); // the page refreshes after it
    }

    [Fact]
    public void Update_Rejected_ShowsTheValidatorsMessage()
    {
        engine.Respond = _ => (HttpStatusCode.UnprocessableEntity,
            """{"title":"The update was rejected","status":422,"detail":"The value cannot be an empty string or composed entirely of whitespace. (Parameter 'phase')","failure":{"type":"UpdateRejected","message":"..."}}""");
        var cut = RenderUpdate();
        cut.Find("input[name=update-name]").Input("SetPhase");
        cut.Find("textarea[name=update-argument]").Input("\" \"");
        cut.Find("form").Submit();

        cut.Find("button[data-action=confirm]").Click();

        cut.WaitForAssertion(() => Assert.Equal(
            "Engine refused: 422 UnprocessableEntity: The update was rejected: The value cannot be an empty string or composed entirely of whitespace. (Parameter 'phase')",
            cut.Find("[data-result=error]").TextContent.Trim()), Wait);
        Assert.Empty(cut.FindAll(".update-outcome"));
    }

    [Fact]
    public void Update_HandlerFailed_ShowsTheFailure()
    {
        engine.Respond = _ => (HttpStatusCode.OK, """{"updateId":"u-2","status":"Failed","failure":{"type":"InvalidOperationException","message":"The cart is closed."}}""");
        var cut = RenderUpdate();
        cut.Find("input[name=update-name]").Input("AddItem");
        cut.Find("form").Submit();

        cut.Find("button[data-action=confirm]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Failed", cut.Find(".update-outcome").GetAttribute("data-update-status")), Wait);
        Assert.Contains("The cart is closed.", cut.Find(".update-outcome .failure").TextContent, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException", cut.Find(".update-outcome .failure").TextContent, StringComparison.Ordinal);
        Assert.Equal("", Assert.Single(engine.Requests).Body);
    }

    [Fact]
    public void Update_NotFinishedInTime_SaysItIsAccepted()
    {
        engine.Respond = _ => (HttpStatusCode.Accepted, """{"updateId":"u-3","status":"Accepted"}""");
        var cut = RenderUpdate();
        cut.Find("input[name=update-name]").Input("SlowThing");
        cut.Find("form").Submit();

        cut.Find("button[data-action=confirm]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Accepted", cut.Find(".update-outcome").GetAttribute("data-update-status")), Wait);
        Assert.Contains("had not finished within 4 s", cut.Find(".update-outcome [data-result=accepted]").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.GatewayTimeout, """{"title":"No worker validated the update","detail":"No worker of task queue 'orders' validated update 'SetPhase' of 'order 42' within 10 s: is a worker that knows workflow type 'StuckWorkflow' running? Nothing was recorded."}""", "Nothing was recorded.")]
    [InlineData(HttpStatusCode.NotFound, """{"title":"Not found","detail":"Workflow 'order 42' has no open run."}""", "has no open run")]
    [InlineData(HttpStatusCode.Conflict, """{"title":"The run kept changing","detail":"try again."}""", "409 Conflict: The run kept changing")]
    public void Update_OtherProblems_ShowTitleAndDetail(HttpStatusCode status, string body, string expected)
    {
        engine.Respond = _ => (status, body);
        var cut = RenderUpdate();
        cut.Find("input[name=update-name]").Input("SetPhase");
        cut.Find("form").Submit();

        cut.Find("button[data-action=confirm]").Click();

        cut.WaitForAssertion(() => Assert.Contains(expected, cut.Find("[data-result=error]").TextContent, StringComparison.Ordinal), Wait);
    }

    [Fact]
    public void Update_Viewer_IsDisabled_AndAForcedSendIsRefusedWithoutCallingTheEngine()
    {
        authorization.SetRoles("Viewer");
        var cut = RenderUpdate();
        Assert.True(cut.Find("button[data-action=update]").HasAttribute("disabled"));
        Assert.True(cut.Find("input[name=update-name]").HasAttribute("disabled"));

        cut.Find("input[name=update-name]").Input("SetPhase");
        cut.Find("form").Submit();
        cut.Find("button[data-action=confirm]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Not sent: 403 Forbidden: ana (Viewer) may not update; that needs the Operator role.",
            cut.Find("[data-result=error]").TextContent.Trim()), Wait);
        Assert.Empty(engine.Requests);
    }
}
