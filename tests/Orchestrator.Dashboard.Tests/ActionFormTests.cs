using System.Net;
using Bunit;
using Bunit.TestDoubles;
using Orchestrator.Dashboard.Components.Shared;

namespace Orchestrator.Dashboard.Tests;

public sealed class ActionFormTests : BunitContext
{
    private readonly StubEngine engine = new();
    private readonly BunitAuthorizationContext authorization;

    public ActionFormTests()
    {
        engine.AddTo(this);
        authorization = AddAuthorization();
        authorization.SetAuthorized("ana");
        authorization.SetRoles("Operator");
    }

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

    [Fact]
    public void TerminateForm_Viewer_IsDisabled_AndAForcedSendIsRefusedWithoutCallingTheEngine()
    {
        authorization.SetRoles("Viewer");
        var cut = Render<TerminateForm>(p => p.Add(x => x.WorkflowId, "order-42"));
        Assert.True(cut.Find("button[data-action=terminate]").HasAttribute("disabled"));
        Assert.True(cut.Find("input[name=terminate-reason]").HasAttribute("disabled"));

        // the handlers run anyway (as when a hostile page enables the buttons): the send is refused here
        cut.Find("form").Submit();
        Assert.True(cut.Find("button[data-action=confirm]").HasAttribute("disabled"));
        cut.Find("button[data-action=confirm]").Click();

        cut.WaitForAssertion(() => Assert.Equal("Not sent: 403 Forbidden: ana (Viewer) may not terminate; that needs the Operator role.",
            cut.Find("[data-result=error]").TextContent.Trim()), TimeSpan.FromSeconds(5));
        Assert.Empty(engine.Requests);
    }

    [Fact]
    public void SignalAndCancel_Viewer_AreDisabled_AndForcedSendsAreRefusedWithoutCallingTheEngine()
    {
        authorization.SetRoles("Viewer");
        var signal = Render<SignalForm>(p => p.Add(x => x.WorkflowId, "order-42"));
        var cancel = Render<CancelForm>(p => p.Add(x => x.WorkflowId, "order-42"));
        Assert.True(signal.Find("button[data-action=signal]").HasAttribute("disabled"));
        Assert.True(signal.Find("textarea[name=signal-payload]").HasAttribute("disabled"));
        Assert.True(cancel.Find("button[data-action=cancel]").HasAttribute("disabled"));

        signal.Find("input[name=signal-name]").Input("approve");
        signal.Find("form").Submit();
        signal.Find("button[data-action=confirm]").Click();
        cancel.Find("button[data-action=cancel]").Click();
        cancel.Find("button[data-action=confirm]").Click();

        signal.WaitForAssertion(() => Assert.Contains("may not signal", signal.Find("[data-result=error]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        cancel.WaitForAssertion(() => Assert.Contains("may not cancel", cancel.Find("[data-result=error]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.Empty(engine.Requests);
    }

    [Fact]
    public void TerminateForm_NotSignedIn_ForcedSendIsRefused()
    {
        authorization.SetNotAuthorized();
        var cut = Render<TerminateForm>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.Find("form").Submit();
        cut.Find("button[data-action=confirm]").Click();

        cut.WaitForAssertion(() => Assert.Contains("403 Forbidden", cut.Find("[data-result=error]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.Empty(engine.Requests);
    }
}
