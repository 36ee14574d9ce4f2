using System.Net;
using Bunit;
using Bunit.TestDoubles;
using Orchestrator.Dashboard.Components.Pages;

namespace Orchestrator.Dashboard.Tests;

/// <summary>
/// An action that closes the run (a cancel the workflow honours at once, a terminate) keeps the engine's answer in view:
/// the forms go when the run closes, their answer must not go with them (fresh-clone CI run 18 saw the "202" vanish).
/// </summary>
public sealed class RunClosedByActionTests : BunitContext
{
    private readonly StubEngine engine = new();
    private bool canceled;

    public RunClosedByActionTests()
    {
        engine.AddTo(this);
        var authorization = AddAuthorization();
        authorization.SetAuthorized("ops");
        authorization.SetRoles("Operator");
        engine.Respond = request =>
        {
            var path = request.RequestUri!.AbsolutePath;
            if (path.EndsWith("/history", StringComparison.Ordinal))
            {
                return (HttpStatusCode.OK, """{"events":[],"nextPageToken":null}""");
            }
            if (path.EndsWith("/cancel", StringComparison.Ordinal))
            {
                canceled = true; // the workflow takes the cancel at once: the next describe finds the run closed
                return (HttpStatusCode.Accepted, "");
            }
            return (HttpStatusCode.OK, Describe(canceled ? "Canceled" : "Running"));
        };
    }

    private static string Describe(string status) => $$"""
        {"workflowId":"order-42","runId":"8a6b1c1e-0000-0000-0000-000000000001","workflowType":"OrderWorkflow","taskQueue":"default","status":"{{status}}",
         "input":null,"result":null,"failure":null,"startedAt":"2025-01-01T00:00:00Z","closedAt":{{(status == "Running" ? "null" : "\"2025-01-01T00:00:05Z\"")}},
         "previousRunId":null,"nextRunId":null,"parentWorkflowId":null,"parentRunId":null,"historyLength":4,"pendingActivities":[],"pendingWorkflowTask":null}
        """;

    [Fact]
    public void CancelThatClosesTheRun_KeepsTheEnginesAnswerOnThePage()
    {
        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("button[data-action=cancel]")));

        cut.Find("button[data-action=cancel]").Click();
        cut.Find(".cancel-form button[data-action=confirm]").Click();

        cut.WaitForAssertion(() => Assert.Contains("This run is closed (Canceled)", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll(".cancel-form"));
        var answer = cut.Find(".actions [data-result=ok]");
        Assert.Contains("202", answer.TextContent, StringComparison.Ordinal);
    }
}
