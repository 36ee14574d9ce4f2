using System.Net;
using Bunit;
using Orchestrator.Dashboard.Components.Shared;

namespace Orchestrator.Dashboard.Tests;

public sealed class ActionFormTests : BunitContext
{
    private readonly StubEngine engine = new();

    public ActionFormTests() => engine.AddTo(this);

    [Theory]
    [InlineData("{\"by\": ")]
    [InlineData("{by: 'ana'}")]
    [InlineData("[1, 2,,]")]
    public void SignalForm_BadJson_ShowsErrorAndSendsNothing(string payload)
    {
        var cut = Render<SignalForm>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.Find("input[name=signal-name]").Input("approve");
        cut.Find("textarea[name=signal-payload]").Input(payload);
        cut.Find("form").Submit();

        Assert.Contains("not valid JSON", cut.Find("[data-result=invalid]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("button[data-action=confirm]"));
        Assert.Empty(engine.Requests);
    }

    [Fact]
    public void SignalForm_NoName_ShowsErrorAndSendsNothing()
    {
        var cut = Render<SignalForm>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.Find("form").Submit();

        Assert.Contains("name", cut.Find("[data-result=invalid]").TextContent, StringComparison.Ordinal);
        Assert.Empty(engine.Requests);
    }

    [Fact]
    public void SignalForm_ValidJsonConfirmed_PostsPayloadAndReportsAnswer()
    {
        var cut = Render<SignalForm>(p => p.Add(x => x.WorkflowId, "order 42"));
        cut.Find("input[name=signal-name]").Input("approve");
        cut.Find("textarea[name=signal-payload]").Input("{\"by\":\"ana\"}");
        cut.Find("form").Submit();
        Assert.Empty(engine.Requests); // nothing before the confirmation

        cut.Find("button[data-action=confirm]").Click();

        cut.WaitForAssertion(() => Assert.Contains("202", cut.Find("[data-result=ok]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        var request = Assert.Single(engine.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/api/v1/workflows/order%2042/signals/approve", request.PathAndQuery);
        Assert.Equal("{\"by\":\"ana\"}", request.Body);
    }

    [Fact]
    public void SignalForm_EngineRefuses_ShowsProblemDetail()
    {
        engine.Respond = _ => (HttpStatusCode.NotFound, """{"title":"Not Found","detail":"No open run of order-42."}""");
        var cut = Render<SignalForm>(p => p.Add(x => x.WorkflowId, "order-42"));
        cut.Find("input[name=signal-name]").Input("approve");
        cut.Find("form").Submit();

        cut.Find("button[data-action=confirm]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Engine refused: 404 NotFound: Not Found: No open run of order-42.", cut.Find("[data-result=error]").TextContent.Trim()), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void CancelForm_BackOut_SendsNothing_Confirm_PostsCancel()
    {
        var cut = Render<CancelForm>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.Find("button[data-action=cancel]").Click();
        cut.Find("button[data-action=back]").Click();
        Assert.Empty(engine.Requests);

        cut.Find("button[data-action=cancel]").Click();
        cut.Find("button[data-action=confirm]").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-result=ok]")), TimeSpan.FromSeconds(5));
        Assert.Equal("/api/v1/workflows/order-42/cancel", Assert.Single(engine.Requests).PathAndQuery);
    }

    [Fact]
    public void TerminateForm_Confirmed_PostsReason()
    {
        var cut = Render<TerminateForm>(p => p.Add(x => x.WorkflowId, "order-42"));
        cut.Find("input[name=terminate-reason]").Input("stuck");

        cut.Find("form").Submit();
        Assert.Empty(engine.Requests);
        cut.Find("button[data-action=confirm]").Click();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-result=ok]")), TimeSpan.FromSeconds(5));
        var request = Assert.Single(engine.Requests);
        Assert.Equal("/api/v1/workflows/order-42/terminate", request.PathAndQuery);
        Assert.Equal("{\"reason\":\"stuck\"}", request.Body);
    }
}
