using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// The Schedules pages in real Chromium against the real engine: a schedule created through the REST API is listed,
/// its page shows the spec, the next times and its actions with links to their runs, and pause (after a confirmation)
/// pauses it in the engine.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScheduleBrowserTests(BrowserFixture fixture)
{
    private const int TestTimeout = 90_000;

    private EngineUnderTest Engine => fixture.Engine;

    /// <summary>Creates a weekday-morning schedule of <c>ApprovalWorkflow</c> and triggers it once (a run that stays open); returns its id and the run's workflow id.</summary>
    private async Task<(string ScheduleId, string WorkflowId)> CreateTriggeredScheduleAsync(string prefix)
    {
        var scheduleId = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        using (var created = await Engine.Http.PostAsJsonAsync("api/v1/schedules", new
        {
            scheduleId,
            spec = new { cron = new[] { "0 9 * * MON-FRI" }, timeZone = "Europe/Berlin" },
            action = new { workflowType = "ApprovalWorkflow", taskQueue = Engine.TaskQueue, input = new { requestId = scheduleId, days = 7 } },
            policy = new { overlap = "Skip", catchupWindow = "01:00:00" },
        }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }
        using var triggered = await Engine.Http.PostAsJsonAsync($"api/v1/schedules/{scheduleId}/trigger", new { });
        var body = await triggered.Content.ReadAsStringAsync();
        Assert.True(triggered.StatusCode == HttpStatusCode.OK, body);
        return (scheduleId, JsonDocument.Parse(body).RootElement.GetProperty("workflowId").GetString()!);
    }

    private async Task<JsonElement> DescribeAsync(string scheduleId) =>
        JsonDocument.Parse(await Engine.Http.GetStringAsync(new Uri($"api/v1/schedules/{scheduleId}", UriKind.Relative))).RootElement.Clone();

    /// <summary>The schedule is deleted and its open run terminated, so other tests' lists stay as they were.</summary>
    private async Task CleanUpAsync(string scheduleId, string workflowId)
    {
        using var deleted = await Engine.Http.DeleteAsync(new Uri($"api/v1/schedules/{scheduleId}", UriKind.Relative));
        using var terminated = await Engine.Http.PostAsJsonAsync($"api/v1/workflows/{workflowId}/terminate", new { reason = "browser test cleanup" });
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Schedule_CreatedOverRest_IsListed_ItsPageShowsTimesAndActions_PauseWithConfirmationPausesIt()
    {
        var (scheduleId, workflowId) = await CreateTriggeredScheduleAsync("report");
        try
        {
            var page = await fixture.NewPageAsync();
            await page.GotoAsync("/");
            await page.ClickAsync(".topbar nav a[href=schedules]");

            var row = page.Locator($"tr[data-schedule-id='{scheduleId}']");
            await Expect(row).ToBeVisibleAsync();
            await Expect(row.Locator(".badge")).ToHaveTextAsync("Active");
            await Expect(row).ToContainTextAsync("ApprovalWorkflow");
            await Expect(row.Locator(".time .abs")).Not.ToBeEmptyAsync(); // the next action time
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "schedules.png") });

            await row.Locator("a").First.ClickAsync();
            await Expect(page.Locator("h1[data-schedule-id]")).ToHaveTextAsync(scheduleId);
            await Expect(page.Locator("body")).ToContainTextAsync("0 9 * * MON-FRI");
            await Expect(page.Locator("body")).ToContainTextAsync("Europe/Berlin");
            await Expect(page.Locator("[data-list=next-times] li")).ToHaveCountAsync(10);
            await Expect(page.Locator("[data-count=actions]")).ToHaveTextAsync("1");
            var action = page.Locator($".recent-actions tr[data-workflow-id='{workflowId}']");
            await Expect(action).ToBeVisibleAsync();
            await Expect(page.Locator($"[data-list=running] a")).ToHaveTextAsync(workflowId);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "schedule.png"), FullPage = true });

            // pause asks first; Back sends nothing
            await page.ClickAsync("button[data-action=pause]");
            await Expect(page.Locator("[data-schedule-action=pause] [role=alertdialog]")).ToContainTextAsync($"Pause schedule {scheduleId}?");
            await page.ClickAsync("[data-schedule-action=pause] button[data-action=back]");
            Assert.False((await DescribeAsync(scheduleId)).GetProperty("state").GetProperty("paused").GetBoolean());

            await page.ClickAsync("button[data-action=pause]");
            await page.FillAsync("input[name=schedule-note]", "paused from the browser");
            await page.ClickAsync("[data-schedule-action=pause] button[data-action=confirm]");

            await Expect(page.Locator("[data-schedule-action=unpause] button[data-action=unpause]")).ToBeVisibleAsync();
            await Expect(page.Locator(".run-head .badge")).ToHaveTextAsync("Paused");
            await Expect(page.Locator("[data-fact=note]")).ToHaveTextAsync("paused from the browser");
            var state = (await DescribeAsync(scheduleId)).GetProperty("state");
            Assert.True(state.GetProperty("paused").GetBoolean());
            Assert.Equal("paused from the browser", state.GetProperty("note").GetString());
            await Expect(page.Locator("[data-schedule-action=unpause] [data-result=ok]")).ToContainTextAsync("204");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "schedule-paused.png") });

            // the list shows it paused; the action's link opens its run
            await page.GotoAsync("/schedules");
            await Expect(page.Locator($"tr[data-schedule-id='{scheduleId}'] .badge")).ToHaveTextAsync("Paused");
            await page.GotoAsync($"/schedules/{scheduleId}");
            await page.Locator($".recent-actions tr[data-workflow-id='{workflowId}'] a").ClickAsync();
            await Expect(page.Locator("h1[data-workflow-id]")).ToHaveTextAsync(workflowId);
        }
        finally
        {
            await CleanUpAsync(scheduleId, workflowId);
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Schedule_Viewer_SeesTheButtonsDisabled_AndTheScheduleStaysActive()
    {
        var (scheduleId, workflowId) = await CreateTriggeredScheduleAsync("viewer");
        try
        {
            var page = await fixture.NewPageAsync(SignedIn.Viewer);
            await page.GotoAsync($"/schedules/{scheduleId}");

            await Expect(page.Locator("h1[data-schedule-id]")).ToHaveTextAsync(scheduleId);
            await Expect(page.Locator("[data-role-note]")).ToContainTextAsync("need the Operator role");
            await Expect(page.Locator("button[data-action=pause]")).ToBeDisabledAsync();
            await Expect(page.Locator("button[data-action=trigger]")).ToBeDisabledAsync();
            Assert.False((await DescribeAsync(scheduleId)).GetProperty("state").GetProperty("paused").GetBoolean());
        }
        finally
        {
            await CleanUpAsync(scheduleId, workflowId);
        }
    }
}
