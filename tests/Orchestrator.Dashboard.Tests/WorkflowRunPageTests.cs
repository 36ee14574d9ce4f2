using System.Net;
using Bunit;
using Bunit.TestDoubles;
using Orchestrator.Dashboard.Components.Pages;

namespace Orchestrator.Dashboard.Tests;

/// <summary>The workflow page shows what the engine's describe body says about the run's open workflow task.</summary>
public sealed class WorkflowRunPageTests : BunitContext
{
    private const string RunId = "8a6b1c1e-0000-0000-0000-000000000001";

    private readonly StubEngine engine = new();

    public WorkflowRunPageTests()
    {
        engine.AddTo(this);
        var authorization = AddAuthorization();
        authorization.SetAuthorized("ana");
        authorization.SetRoles("Viewer");
    }

    private static string Describe(string pendingWorkflowTask) => $$"""
        {"workflowId":"order-42","runId":"{{RunId}}","workflowType":"OrderWorkflow","taskQueue":"default","status":"Running",
         "input":null,"result":null,"failure":null,"startedAt":"2025-01-01T00:00:00Z","closedAt":null,"previousRunId":null,"nextRunId":null,
         "parentWorkflowId":null,"parentRunId":null,"historyLength":4,"pendingActivities":[],"pendingWorkflowTask":{{pendingWorkflowTask}}}
        """;

    private void Answer(string describe) => engine.Respond = request => request.RequestUri!.AbsolutePath.EndsWith("/history", StringComparison.Ordinal)
        ? (HttpStatusCode.OK, """{"events":[],"nextPageToken":null}""")
        : (HttpStatusCode.OK, describe);

    [Fact]
    public void RetriedWorkflowTask_ShowsItsNoteAttemptNextTryAndLastFailure()
    {
        Answer(Describe("""
            {"scheduledEventId":3,"attempt":3,"state":"scheduled","lastFailure":{"type":"InvalidOperationException","message":"boom in workflow code"},
             "note":"The workflow task failed 2 time(s); it is retried (next at 2025-01-01T00:00:09.0000000Z).","nextAttemptAt":"2025-01-01T00:00:09Z"}
            """));

        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-pending-workflow-task]")));
        var task = cut.Find("[data-pending-workflow-task]");
        Assert.Equal("scheduled", task.GetAttribute("data-state"));
        Assert.Contains("failed 2 time(s); it is retried", task.QuerySelector("[data-field=note]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("3", task.QuerySelector("[data-field=attempt]")!.TextContent.Trim());
        Assert.Contains("2025-01-01 00:00:09", task.QuerySelector("[data-field=next-attempt]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("boom in workflow code", task.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void WorkflowTaskWaitingForAWorker_ShowsTheNote_AndNoNextTry()
    {
        Answer(Describe("""
            {"scheduledEventId":2,"attempt":1,"state":"dispatched","lastFailure":null,
             "note":"Waiting for a worker on task queue 'default' that knows workflow type 'OrderWorkflow'.","nextAttemptAt":null}
            """));

        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-pending-workflow-task]")));
        var task = cut.Find("[data-pending-workflow-task]");
        Assert.Contains("knows workflow type 'OrderWorkflow'", task.QuerySelector("[data-field=note]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("1", task.QuerySelector("[data-field=attempt]")!.TextContent.Trim());
        Assert.Equal("—", task.QuerySelector("[data-field=next-attempt]")!.TextContent.Trim());
    }

    [Fact]
    public void NoOpenWorkflowTask_ShowsNoPendingTaskSection()
    {
        Answer(Describe("null"));

        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));

        cut.WaitForAssertion(() => Assert.Contains("OrderWorkflow", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-pending-workflow-task]"));
    }
}
