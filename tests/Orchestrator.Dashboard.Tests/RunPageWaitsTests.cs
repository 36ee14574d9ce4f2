using System.Net;
using Bunit;
using Bunit.TestDoubles;
using Orchestrator.Dashboard.Components.Pages;

namespace Orchestrator.Dashboard.Tests;

/// <summary>
/// The run page's "Waiting on": asked of a worker (<c>__stack_trace</c>) for an open run, without holding up the rest of the
/// page, again on Refresh; problems said plainly; nothing for a closed run. The query form is there for viewers too.
/// </summary>
public sealed class RunPageWaitsTests : BunitContext
{
    private const string RunId = "8a6b1c1e-0000-0000-0000-000000000001";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private readonly StubEngine engine = new();

    public RunPageWaitsTests()
    {
        engine.AddTo(this);
        var authorization = AddAuthorization();
        authorization.SetAuthorized("ana");
        authorization.SetRoles("Viewer");
    }

    private static string Describe(string status) => $$"""
        {"workflowId":"order-42","runId":"{{RunId}}","workflowType":"OrderWorkflow","taskQueue":"orders","status":"{{status}}",
         "input":null,"result":null,"failure":null,"startedAt":"2025-01-01T00:00:00Z","closedAt":{{(status == "Running" ? "null" : "\"2025-01-01T00:01:00Z\"")}},
         "previousRunId":null,"nextRunId":null,"parentWorkflowId":null,"parentRunId":null,"historyLength":4,"pendingActivities":[],"pendingWorkflowTask":null}
        """;

    private const string ThreeWaits = """
        {"result":[{"kind":"activity","name":"Ship","seq":3,"location":"OrderWorkflow.cs:40"},
                   {"kind":"timer","name":"timer","seq":5,"dueAt":"2025-01-01T00:05:09Z","location":"OrderWorkflow.cs:41"},
                   {"kind":"signal","name":"release","location":"OrderWorkflow.cs:42"}]}
        """;

    private void Answer(string status, Func<(HttpStatusCode, string)> stackTrace) => engine.Respond = request =>
    {
        var path = request.RequestUri!.AbsolutePath;
        return path.EndsWith("/history", StringComparison.Ordinal) ? (HttpStatusCode.OK, """{"events":[],"nextPageToken":null}""")
            : path.Contains("/queries/", StringComparison.Ordinal) ? stackTrace()
            : (HttpStatusCode.OK, Describe(status));
    };

    private int StackTraceCalls => engine.Requests.Count(r => r.PathAndQuery.Contains("/queries/__stack_trace", StringComparison.Ordinal));

    [Fact]
    public void OpenRun_ListsWhatItWaitsOn_OneLineEach()
    {
        Answer("Running", () => (HttpStatusCode.OK, ThreeWaits));

        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll(".waits .wait").Count), Wait);
        Assert.Equal(["Ship (activity #3) at OrderWorkflow.cs:40", "timer #5, due 2025-01-01 00:05:09.000 UTC at OrderWorkflow.cs:41", "signal \"release\" at OrderWorkflow.cs:42"],
            cut.FindAll(".waits .wait").Select(li => li.TextContent.Trim()));
        Assert.Equal(["activity", "timer", "signal"], cut.FindAll(".waits .wait").Select(li => li.GetAttribute("data-kind")));
        var request = engine.Requests.Single(r => r.PathAndQuery.Contains("/queries/", StringComparison.Ordinal));
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"/api/v1/workflows/order-42/queries/__stack_trace?runId={RunId}", request.PathAndQuery);
        Assert.Equal("", request.Body);
    }

    [Fact]
    public void OpenRun_PageRendersWhileTheWorkerIsAsked_ThenTheWaitsArrive()
    {
        var release = new TaskCompletionSource();
        engine.Delay = request => request.RequestUri!.AbsolutePath.Contains("/queries/", StringComparison.Ordinal) ? release.Task : Task.CompletedTask;
        Answer("Running", () => (HttpStatusCode.OK, ThreeWaits));

        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.WaitForAssertion(() => Assert.Equal("loading", cut.Find(".waiting-on").GetAttribute("data-waits-state")), Wait);
        Assert.Contains("OrderWorkflow", cut.Find(".run-head").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(cut.FindAll(".events, .event-table"));
        Assert.True(cut.Find("button[data-action=refresh-waits]").HasAttribute("disabled"));

        release.SetResult();

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll(".waits .wait").Count), Wait);
        Assert.Equal("loaded", cut.Find(".waiting-on").GetAttribute("data-waits-state"));
    }

    [Fact]
    public void Refresh_AsksAgain_AndShowsTheNewAnswer()
    {
        var answers = new Queue<(HttpStatusCode, string)>([(HttpStatusCode.OK, ThreeWaits), (HttpStatusCode.OK, """{"result":[]}""")]);
        Answer("Running", () => answers.Count > 1 ? answers.Dequeue() : answers.Peek());
        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll(".waits .wait").Count), Wait);

        cut.Find("button[data-action=refresh-waits]").Click();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-waits-empty]")), Wait);
        Assert.Empty(cut.FindAll(".waits .wait"));
        Assert.Equal(2, StackTraceCalls);
    }

    [Theory]
    [InlineData(HttpStatusCode.GatewayTimeout, """{"title":"No worker answered the query","detail":"No worker of task queue 'orders' answered query '__stack_trace' of 'order-42' within 10 s."}""",
        "No worker answered in time; start a worker of task queue 'orders'")]
    [InlineData(HttpStatusCode.BadRequest, """{"title":"Bad request","detail":"Workflow OrderWorkflow has no query '__stack_trace'. Its queries: status."}""",
        "does not know the query __stack_trace")]
    [InlineData(HttpStatusCode.UnprocessableEntity, """{"title":"The query failed","detail":"Query '__stack_trace' of 'order-42' failed on worker w-1: NonDeterminismException: boom"}""",
        "could not answer")]
    public void QueryProblem_IsShownPlainly_WithTheEnginesText_AndThePageStillWorks(HttpStatusCode status, string problem, string expected)
    {
        Answer("Running", () => (status, problem));

        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-waits-problem]")), Wait);
        var shown = cut.Find("[data-waits-problem]");
        Assert.Contains(expected, shown.TextContent, StringComparison.Ordinal);
        Assert.Contains($"{(int)status} {status}", shown.QuerySelector("[data-field=detail]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("problem", cut.Find(".waiting-on").GetAttribute("data-waits-state"));
        Assert.Empty(cut.FindAll(".banner.error:not([data-waits-problem])")); // the rest of the page has no error
        Assert.NotEmpty(cut.FindAll("button[data-action=refresh-waits]:not([disabled])"));
    }

    [Fact]
    public void EngineUnreachable_ForTheQuery_IsShownPlainly()
    {
        Answer("Running", () => throw new HttpRequestException("Connection refused"));

        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.WaitForAssertion(() => Assert.Contains("The engine did not answer.", cut.Find("[data-waits-problem]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Contains("Connection refused", cut.Find("[data-waits-problem] [data-field=detail]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void ClosedRun_HasNoWaitingOn_AndAsksNoWorker_ButOffersTheQueryForm()
    {
        Answer("Completed", () => (HttpStatusCode.OK, ThreeWaits));

        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.WaitForAssertion(() => Assert.Contains("Completed", cut.Find(".run-head").TextContent, StringComparison.Ordinal), Wait);
        Assert.Empty(cut.FindAll(".waiting-on"));
        Assert.Equal(0, StackTraceCalls);
        Assert.False(cut.Find(".query-form button[data-action=query]").HasAttribute("disabled"));
        Assert.Empty(cut.FindAll(".update-form"));
    }

    [Fact]
    public void OpenRun_Viewer_MayQuery_ButTheUpdateFormIsDisabled_WithTheRoleNote()
    {
        Answer("Running", () => (HttpStatusCode.OK, ThreeWaits));

        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll(".update-form")), Wait);
        Assert.True(cut.Find("button[data-action=update]").HasAttribute("disabled"));
        Assert.False(cut.Find("button[data-action=query]").HasAttribute("disabled"));
        Assert.Contains("updates", cut.Find("[data-role-note]").TextContent, StringComparison.Ordinal);
    }
}
