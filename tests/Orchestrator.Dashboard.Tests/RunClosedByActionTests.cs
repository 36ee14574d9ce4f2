using System.Net;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Dashboard.Components.Pages;

namespace Orchestrator.Dashboard.Tests;

/// <summary>
/// An action that closes the run (a cancel the workflow honours at once, a terminate) keeps the engine's answer in view:
/// the forms go when the run closes, their answer must not go with them (fresh-clone CI run 18 saw the "202" vanish).
/// </summary>
/// <remarks>
/// The page's poll does not tick here (<see cref="StoppedClock"/>), and clicks are awaited: bUnit's <c>Click()</c> only
/// queues the event when a poll is rendering on another thread, and a click found before that render carries an event
/// handler id the render replaced, so the click was lost about once in twenty runs on a loaded machine (fresh-clone CI
/// run 20). What closes the run here is the page's own refresh after the action.
/// </remarks>
public sealed class RunClosedByActionTests : BunitContext
{
    private readonly StubEngine engine = new();
    private bool canceled;

    public RunClosedByActionTests()
    {
        engine.AddTo(this);
        Services.AddSingleton<TimeProvider>(new StoppedClock());
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
    public async Task CancelThatClosesTheRun_KeepsTheEnginesAnswerOnThePage()
    {
        var cut = Render<WorkflowRun>(p => p.Add(x => x.WorkflowId, "order-42"));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("button[data-action=cancel]")));

        await cut.Find("button[data-action=cancel]").ClickAsync(new MouseEventArgs());
        await cut.Find(".cancel-form button[data-action=confirm]").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("This run is closed (Canceled)", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll(".cancel-form"));
        var answer = cut.Find(".actions [data-result=ok]");
        Assert.Contains("202", answer.TextContent, StringComparison.Ordinal);
    }

    /// <summary>A clock whose timers never fire: the page's poll waits for good.</summary>
    private sealed class StoppedClock : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new StoppedTimer();

        private sealed class StoppedTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
