using System.Net;
using System.Text.Json;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Dashboard.Api;
using Orchestrator.Dashboard.Components.Pages;
using Orchestrator.Dashboard.Components.Shared;

namespace Orchestrator.Dashboard.Tests;

/// <summary>The run page's Reset: the point (last, first, an event), reason and confirmation, the request, the answer, roles, the runs' links.</summary>
public sealed class ResetActionTests : BunitContext
{
    private const string RunId = "01a2430c-0000-7000-8000-000000000001";
    private const string NewRunId = "01a2431f-0000-7000-8000-000000000002";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly StubEngine engine = new();
    private readonly BunitAuthorizationContext authorization;

    public ResetActionTests()
    {
        engine.AddTo(this);
        authorization = AddAuthorization();
        authorization.SetAuthorized("ana");
        authorization.SetRoles("Operator");
    }

    private static string Describe(string runId, string status, string? resetFrom = null, string? resetTo = null) => JsonSerializer.Serialize(new
    {
        workflowId = "order-42", runId, workflowType = "OrderWorkflow", taskQueue = "default", status, input = (object?)null, result = (object?)null,
        failure = status == "Failed" ? new { type = "ShippingFailedException", message = "carrier refused" } : null, startedAt = "2026-12-04T19:00:00Z",
        closedAt = status == "Running" ? null : "2026-12-04T19:00:05Z", previousRunId = (string?)null, nextRunId = (string?)null, parentWorkflowId = (string?)null,
        parentRunId = (string?)null, historyLength = 12, resetFromRunId = resetFrom, resetToRunId = resetTo,
    });

    /// <summary>The engine: run <see cref="RunId"/> failed (the order history, 12 events); a reset answers 201 with <see cref="NewRunId"/> unless <paramref name="reset"/> says otherwise.</summary>
    private void EngineWithAFailedRun(Func<(HttpStatusCode, string)>? reset = null) => engine.Respond = request =>
    {
        var path = request.RequestUri!.AbsolutePath;
        return (request.Method.Method, path) switch
        {
            ("POST", "/api/v1/workflows/order-42/reset") => reset?.Invoke() ?? (HttpStatusCode.Created, $$"""{"workflowId":"order-42","runId":"{{NewRunId}}"}"""),
            ("GET", "/api/v1/workflows/order-42/history") => (HttpStatusCode.OK, Histories.Page(Histories.OrderRun())),
            ("GET", "/api/v1/workflows/order-42") => (HttpStatusCode.OK, engine.Requests.Any(r => r.Method == HttpMethod.Post)
                ? Describe(RunId, "Failed", resetTo: NewRunId) : Describe(RunId, "Failed")),
            _ => (HttpStatusCode.NotFound, """{"title":"Not Found"}"""),
        };
    };

    private IRenderedComponent<ResetForm> RenderForm(Action<ResetResult>? onReset = null) => Render<ResetForm>(p => p
        .Add(x => x.WorkflowId, "order-42").Add(x => x.RunId, RunId).Add(x => x.OnReset, r => onReset?.Invoke(r)));

    private (HttpMethod Method, string PathAndQuery, string Body, string? ApiKey) ResetRequest() => Assert.Single(engine.Requests, r => r.Method == HttpMethod.Post);

    [Fact]
    public void Reset_LastCompletedTask_AfterTheConfirmation_PostsTheRunAndReason_AndHandsTheNewRunOn()
    {
        EngineWithAFailedRun();
        ResetResult? answer = null;
        var cut = RenderForm(r => answer = r);
        cut.Find("input[name=reset-reason]").Input("fixed the carrier");
        cut.Find("form").Submit();
        Assert.Empty(engine.Requests); // nothing before the confirmation
        Assert.Contains("to its last completed workflow task?", cut.Find(".confirm").TextContent, StringComparison.Ordinal);

        cut.Find("button[data-action=confirm-reset]").Click();

        cut.WaitForAssertion(() => Assert.NotNull(answer), Wait);
        var request = ResetRequest();
        Assert.Equal("/api/v1/workflows/order-42/reset", request.PathAndQuery);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(("fixed the carrier", RunId, JsonValueKind.Null, "LastWorkflowTask"), (body.RootElement.GetProperty("reason").GetString(),
            body.RootElement.GetProperty("runId").GetString(), body.RootElement.GetProperty("eventId").ValueKind, body.RootElement.GetProperty("to").GetString()));
        Assert.Equal(NewRunId, answer!.NewRun!.RunId);
        Assert.Equal("201 Created: new run " + NewRunId, answer.Answer.Message);
    }

    [Fact]
    public void Reset_FirstTask_And_AnEventId_AreSentAsSuch()
    {
        EngineWithAFailedRun();
        var cut = RenderForm();
        cut.Find("input[name=reset-reason]").Input("again");
        cut.Find("input[value=first]").Change(true);
        cut.Find("form").Submit();
        cut.Find("button[data-action=confirm-reset]").Click();
        cut.WaitForAssertion(() => Assert.Single(engine.Requests), Wait);
        Assert.Contains("\"to\":\"FirstWorkflowTask\"", engine.Requests[0].Body, StringComparison.Ordinal);

        cut.Find("input[name=reset-event-id]").Input("4");
        cut.Find("form").Submit();
        Assert.Contains("to the workflow task of event 4?", cut.Find(".confirm").TextContent, StringComparison.Ordinal);
        cut.Find("button[data-action=confirm-reset]").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, engine.Requests.Count), Wait);
        using var body = JsonDocument.Parse(engine.Requests[1].Body);
        Assert.Equal((4L, JsonValueKind.Null), (body.RootElement.GetProperty("eventId").GetInt64(), body.RootElement.GetProperty("to").ValueKind));
    }

    [Theory]
    [InlineData("", "last", "", "reason is required")]
    [InlineData("   ", "last", "", "reason is required")]
    [InlineData("why", "event", "", "Give the event id")]
    [InlineData("why", "event", "0", "Give the event id")]
    [InlineData("why", "event", "-3", "Give the event id")]
    [InlineData("why", "event", "4e2", "Give the event id")]
    public void Reset_WithoutAReasonOrAnEventId_SaysSo_AndSendsNothing(string reason, string point, string eventId, string message)
    {
        EngineWithAFailedRun();
        var cut = RenderForm();
        cut.Find("input[name=reset-reason]").Input(reason);
        cut.Find($"input[value={point}]").Change(true);
        if (eventId.Length > 0)
        {
            cut.Find("input[name=reset-event-id]").Input(eventId);
        }

        cut.Find("form").Submit();

        Assert.Contains(message, cut.Find("[data-result=invalid]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("button[data-action=confirm-reset]"));
        Assert.Empty(engine.Requests);
    }

    [Fact]
    public void Reset_EngineRefusesThePoint_ShowsItsDetail_NamingTheEvent()
    {
        EngineWithAFailedRun(() => (HttpStatusCode.BadRequest, """{"title":"Bad Request","detail":"Event 1 is a WorkflowStarted: a reset point is a workflow task."}"""));
        var cut = RenderForm();
        cut.Find("input[name=reset-reason]").Input("r");
        cut.Find("input[name=reset-event-id]").Input("1");
        cut.Find("form").Submit();

        cut.Find("button[data-action=confirm-reset]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Engine refused: 400 BadRequest: Bad Request: Event 1 is a WorkflowStarted: a reset point is a workflow task.",
            cut.Find("[data-result=error]").TextContent.Trim()), Wait);
    }

    [Fact]
    public async Task Reset_AsAViewer_IsDisabled_AndRefusedByTheDashboard_NothingSent()
    {
        authorization.SetRoles("Viewer");
        EngineWithAFailedRun();
        var cut = RenderForm();

        Assert.True(cut.Find("button[data-action=reset]").HasAttribute("disabled"));
        Assert.True(cut.Find("input[name=reset-reason]").HasAttribute("disabled"));
        var refused = await Services.GetRequiredService<WorkflowActions>().ResetAsync("order-42", new Contracts.Api.ResetWorkflowRequest("r", RunId, To: Contracts.Api.ResetTo.LastWorkflowTask));

        Assert.Equal(HttpStatusCode.Forbidden, refused.Answer.StatusCode);
        Assert.True(refused.Answer.ByDashboard);
        Assert.Empty(engine.Requests);
    }

    [Fact]
    public void RunPage_ResetHereOnAWorkflowTaskCompletedRow_PicksItsEvent_ResetShowsTheAnswer_LinksTheNewRun_AndStaysOnTheResetRun()
    {
        EngineWithAFailedRun();
        var navigation = Services.GetRequiredService<NavigationManager>();
        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("tr[data-event-id='4'] button[data-action=reset-here]")), Wait);
        Assert.Single(cut.FindAll("button[data-action=reset-here]")); // only the WorkflowTaskCompleted rows (one in this history)

        cut.Find("tr[data-event-id='4'] button[data-action=reset-here]").Click();

        Assert.Equal("4", cut.Find("input[name=reset-event-id]").GetAttribute("value"));
        Assert.True(cut.Find("input[value=event]").HasAttribute("checked"));
        cut.Find("input[name=reset-reason]").Input("fixed the carrier");
        cut.Find("form.reset-form").Submit();
        cut.Find("button[data-action=confirm-reset]").Click();

        cut.WaitForAssertion(() => Assert.Equal(NewRunId, cut.Find(".reset-banner").GetAttribute("data-new-run-id")), Wait);
        Assert.Contains("201 Created: new run " + NewRunId, cut.Find(".reset-banner").TextContent, StringComparison.Ordinal);
        Assert.EndsWith($"workflows/order-42?runId={NewRunId}", cut.Find(".reset-banner a[data-link=new-run]").GetAttribute("href"), StringComparison.Ordinal);
        Assert.EndsWith($"/workflows/order-42?runId={RunId}", navigation.Uri, StringComparison.Ordinal); // the page of the latest run moved to the reset run's own
        Assert.Contains("\"eventId\":4", ResetRequest().Body, StringComparison.Ordinal);
    }

    [Fact]
    public void RunPage_AsAViewer_HasNoResetHereButtons()
    {
        authorization.SetRoles("Viewer");
        EngineWithAFailedRun();

        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("tr[data-event-id='4']")), Wait);
        Assert.Empty(cut.FindAll("button[data-action=reset-here]"));
    }

    [Fact]
    public void RunPage_LinksTheRunsOfAReset_BothWays_AndOffersTheHistoryDownload()
    {
        engine.Respond = request => request.RequestUri!.AbsolutePath.EndsWith("/history", StringComparison.Ordinal)
            ? (HttpStatusCode.OK, Histories.Page(Histories.OrderRun()))
            : (HttpStatusCode.OK, Describe(RunId, "Terminated", resetFrom: "01a24000-0000-7000-8000-000000000000", resetTo: NewRunId));

        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("runId", RunId));
        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("a[data-link=reset-to]")), Wait);
        Assert.Equal($"workflows/order-42?runId={NewRunId}", cut.Find("a[data-link=reset-to]").GetAttribute("href"));
        Assert.Equal("workflows/order-42?runId=01a24000-0000-7000-8000-000000000000", cut.Find("a[data-link=reset-from]").GetAttribute("href"));
        var download = cut.Find("a[data-action=download-history]");
        Assert.Equal($"download/history?workflowId=order-42&runId={RunId}", download.GetAttribute("href"));
        Assert.Equal($"order-42.{RunId}.history.json", download.GetAttribute("download"));
    }
}
