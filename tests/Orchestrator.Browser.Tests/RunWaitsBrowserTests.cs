using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Orchestrator.Contracts.History;
using static Microsoft.Playwright.Assertions;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// "Waiting on", queries and updates on the run page, in real Chromium against the real engine and the test worker's
/// <c>StuckWorkflow</c> (tests/Orchestrator.TestWorker/StackTraceWorkflows.cs): two hanging "ChaosHang" activities
/// (lines 19 and 20) and a wait for signal "release" (line 21); query "phase"; update "SetPhase", whose validator
/// rejects a blank phase and which returns the phase before.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RunWaitsBrowserTests(BrowserFixture fixture)
{
    private const int TestTimeout = 120_000;
    private const int HangMs = 600_000;
    private static readonly TimeSpan EngineWait = TimeSpan.FromSeconds(60);

    private EngineUnderTest Engine => fixture.Engine;

    [Fact(Timeout = TestTimeout)]
    public async Task StuckRun_PageListsItsThreeWaits_QueriesAndUpdatesFromThePage_ViewerQueriesButCannotUpdate()
    {
        if (await Engine.StartStuckAsync("stuck", HangMs) is not { } id)
        {
            return; // a given engine: no test worker to run StuckWorkflow
        }
        try
        {
            // both activities started on the worker (they hang there): the run waits on all three things now
            await Engine.WaitUntilAsync(async () => await StartedActivitiesAsync(id) == 2, EngineWait, $"both ChaosHang activities of {id} to start");
            var page = await fixture.NewPageAsync();
            await page.SetViewportSizeAsync(1280, 800);
            await page.GotoAsync($"/workflows/{id}");

            var waits = page.Locator(".waiting-on .waits .wait");
            await Expect(waits).ToHaveCountAsync(3);
            await Expect(waits.Nth(0)).ToHaveTextAsync(new Regex(@"^ChaosHang \(activity #\d+\) at StackTraceWorkflows\.cs:19$"));
            await Expect(waits.Nth(1)).ToHaveTextAsync(new Regex(@"^ChaosHang \(activity #\d+\) at StackTraceWorkflows\.cs:20$"));
            await Expect(waits.Nth(2)).ToHaveTextAsync("signal \"release\" at StackTraceWorkflows.cs:21");

            await QueryAsync(page, "phase", "\"waiting\"");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "run-waiting-on.png") });

            // an update, as the operator: its handler returns the phase before; the next query sees the new one
            await page.FillAsync("input[name=update-name]", "SetPhase");
            await page.FillAsync("textarea[name=update-argument]", "\"packing\"");
            await page.ClickAsync("button[data-action=update]");
            await page.ClickAsync(".update-form button[data-action=confirm]");
            await Expect(page.Locator(".update-outcome[data-update-status=Completed] pre.json")).ToHaveTextAsync("\"waiting\"");
            await Expect(page.Locator("tr[data-event-type=WorkflowUpdateCompleted]")).ToBeVisibleAsync();
            await QueryAsync(page, "phase", "\"packing\"");

            // a blank phase: the validator refuses it, nothing is recorded
            await page.FillAsync("textarea[name=update-argument]", "\" \"");
            await page.ClickAsync("button[data-action=update]");
            await page.ClickAsync(".update-form button[data-action=confirm]");
            var refused = page.Locator(".update-form [data-result=error]");
            await Expect(refused).ToContainTextAsync("422");
            await Expect(refused).ToContainTextAsync("The update was rejected");
            await Expect(refused).ToContainTextAsync("whitespace");
            Assert.Single(await Engine.HistoryAsync(id), e => e.EventType == EventTypes.WorkflowUpdateAccepted);

            // a viewer: may query (nothing is recorded), may not update
            var viewer = await fixture.NewPageAsync(SignedIn.Viewer);
            await viewer.GotoAsync($"/workflows/{id}");
            await Expect(viewer.Locator(".waiting-on .waits .wait")).ToHaveCountAsync(3);
            await QueryAsync(viewer, "phase", "\"packing\"");
            await Expect(viewer.Locator("[data-role-note]")).ToContainTextAsync("updates");
            await Expect(viewer.Locator("button[data-action=update]")).ToBeDisabledAsync();
            await Expect(viewer.Locator("input[name=update-name]")).ToBeDisabledAsync();
        }
        finally
        {
            // signal "release" would leave the run waiting for the hanging activities: end it
            using var terminated = await Engine.Http.PostAsJsonAsync($"api/v1/workflows/{id}/terminate", new { reason = "browser test done" });
        }
        await Engine.WaitUntilAsync(async () => await Engine.StatusAsync(id) == "Terminated", EngineWait, $"{id} to be terminated");
    }

    /// <summary>Runs query <paramref name="name"/> from the page and waits for its result.</summary>
    private static async Task QueryAsync(IPage page, string name, string expectedJson)
    {
        await page.FillAsync("input[name=query-name]", name);
        await page.ClickAsync("button[data-action=query]");
        await Expect(page.Locator($"[data-query-result][data-query-name='{name}'] pre.json")).ToHaveTextAsync(expectedJson);
    }

    private async Task<int> StartedActivitiesAsync(string workflowId)
    {
        using var document = JsonDocument.Parse(await Engine.Http.GetStringAsync($"api/v1/workflows/{Uri.EscapeDataString(workflowId)}"));
        return document.RootElement.GetProperty("pendingActivities").EnumerateArray()
            .Count(a => a.TryGetProperty("startedAt", out var started) && started.ValueKind == JsonValueKind.String);
    }
}
