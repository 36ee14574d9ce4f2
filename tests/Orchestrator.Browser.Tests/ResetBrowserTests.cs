using System.Text.Json;
using Microsoft.Playwright;
using Orchestrator.Contracts.History;
using static Microsoft.Playwright.Assertions;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// The run page's Reset and Download history, and the list's time-range presets, in real Chromium against the real engine:
/// a failed order is downloaded whole, reset to its last completed workflow task through the page, and the new run is there,
/// linked both ways.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ResetBrowserTests(BrowserFixture fixture)
{
    private const int TestTimeout = 90_000;
    private static readonly TimeSpan EngineWait = TimeSpan.FromSeconds(30);

    private EngineUnderTest Engine => fixture.Engine;

    private async Task<JsonElement> DescribeAsync(string workflowId, string? runId = null)
    {
        using var document = JsonDocument.Parse(await Engine.Http.GetStringAsync(
            $"api/v1/workflows/{Uri.EscapeDataString(workflowId)}" + (runId is null ? "" : "?runId=" + Uri.EscapeDataString(runId))));
        return document.RootElement.Clone();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task FailedRun_DownloadsItsWholeHistory_ResetsThroughThePage_AndTheNewRunIsLinkedBothWays()
    {
        var id = await Engine.StartOrderAsync("reset-order", failAt: "ship");
        await Engine.WaitUntilAsync(async () => await Engine.StatusAsync(id) == "Failed", EngineWait, $"order {id} to fail");
        var oldRun = (await DescribeAsync(id)).GetProperty("runId").GetString()!;
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/workflows/{id}");
        await Expect(page.Locator(".run-head .badge")).ToHaveTextAsync("Failed");
        await Expect(page.Locator("tr[data-event-type=WorkflowFailed]")).ToBeVisibleAsync();

        // Download history: one file, every event, the engine's page format without a next page
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("a[data-action=download-history]"));
        Assert.Equal($"{id}.{oldRun}.history.json", download.SuggestedFilename);
        var file = HistoryJson.ParseHistoryPage(await File.ReadAllTextAsync((await download.PathAsync())!));
        var history = await Engine.HistoryAsync(id);
        Assert.Null(file.NextPageToken);
        Assert.Equal(history.Select(e => (e.EventId, e.EventType, e.Timestamp)), file.Events.Select(e => (e.EventId, e.EventType, e.Timestamp)));

        // Reset: to the last completed workflow task, with a reason, after the confirmation
        await page.FillAsync("input[name=reset-reason]", "carrier fixed, deploy 4712");
        await page.ClickAsync("button[data-action=reset]");
        await Expect(page.Locator(".reset-form .confirm")).ToContainTextAsync($"Reset {id}");
        await Expect(page.Locator(".reset-form .confirm")).ToContainTextAsync("to its last completed workflow task?");
        await page.Locator("section.panel.reset").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "run-reset-confirm.png") });

        await page.ClickAsync("button[data-action=confirm-reset]");

        var banner = page.Locator(".reset-banner");
        await Expect(banner).ToContainTextAsync("201 Created: new run ");
        var newRun = await banner.GetAttributeAsync("data-new-run-id");
        Assert.NotNull(newRun);
        Assert.NotEqual(oldRun, newRun);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/workflows/{id}\\?runId={oldRun}$")); // still the run that was reset
        await Expect(page.Locator("a[data-link=reset-to]")).ToHaveAttributeAsync("href", $"workflows/{id}?runId={newRun}");
        await page.Locator(".run-head").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "run-reset.png") });
        var latest = await DescribeAsync(id);
        Assert.Equal((newRun, oldRun), (latest.GetProperty("runId").GetString(), latest.GetProperty("resetFromRunId").GetString()));
        Assert.Equal(newRun, (await DescribeAsync(id, oldRun)).GetProperty("resetToRunId").GetString());

        await page.ClickAsync(".reset-banner a[data-link=new-run]");

        await Expect(page.Locator(".facts")).ToContainTextAsync(newRun!);
        await Expect(page.Locator("a[data-link=reset-from]")).ToHaveAttributeAsync("href", $"workflows/{id}?runId={oldRun}");
        await Expect(page.Locator("tr[data-event-type=WorkflowStarted]")).ToBeVisibleAsync();
        // the same code fails the same way again: the new run replays the copied events and closes Failed once more
        await Engine.WaitUntilAsync(async () => (await DescribeAsync(id, newRun)).GetProperty("status").GetString() != "Running", EngineWait, "the new run to close");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task DownloadHistory_NeedsASignedInUser_AndAnswersProblemsForAnUnknownOrMissingWorkflow()
    {
        var id = await Engine.StartApprovalAsync("download");
        using (var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }))
        using (var refused = await anonymous.GetAsync(new Uri($"{fixture.Dashboard.Url}/download/history?workflowId={id}")))
        {
            Assert.Equal(System.Net.HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Contains("/login", refused.Headers.Location!.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("WorkflowStarted", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var page = await fixture.NewPageAsync(SignedIn.Viewer); // reading a history needs no operator

        var latest = await page.APIRequest.GetAsync($"/download/history?workflowId={id}");
        var unknown = await page.APIRequest.GetAsync("/download/history?workflowId=no-such-" + Guid.NewGuid().ToString("N")[..8]);
        var missing = await page.APIRequest.GetAsync("/download/history");

        Assert.Equal(200, latest.Status);
        Assert.StartsWith("attachment", latest.Headers["content-disposition"], StringComparison.Ordinal);
        Assert.Equal(EventTypes.WorkflowStarted, HistoryJson.ParseHistoryPage(await latest.TextAsync()).Events[0].EventType);
        Assert.Equal(404, unknown.Status);
        Assert.Contains("application/problem+json", unknown.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal(400, missing.Status);
        Assert.Contains("workflowId is required", await missing.TextAsync(), StringComparison.Ordinal);
        using (await Engine.Http.PostAsync(new Uri($"api/v1/workflows/{id}/terminate", UriKind.Relative),
            new StringContent("""{"reason":"browser test cleanup"}""", System.Text.Encoding.UTF8, "application/json")))
        {
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task List_TimeRangePresets_FilterOnStartTime_AndStayInTheUrl()
    {
        var prefix = "range-" + Guid.NewGuid().ToString("N")[..6];
        var id = await Engine.StartApprovalAsync(prefix);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/?query=" + Uri.EscapeDataString($"WorkflowId STARTS_WITH '{prefix}'"));
        await Expect(page.Locator($"tr[data-workflow-id='{id}']")).ToBeVisibleAsync();

        await page.ClickAsync("a.range-chip[data-range='1h']");

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("range=1h"));
        await Expect(page.Locator("a.range-chip[data-range='1h']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("active"));
        await Expect(page.Locator("[data-range-query]")).ToContainTextAsync("StartTime > '");
        await Expect(page.Locator($"tr[data-workflow-id='{id}']")).ToBeVisibleAsync(); // started a moment ago
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "list-time-range.png") });

        // a custom range that ended before the run started: it is not listed
        await page.GotoAsync("/?range=custom&from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z&query=" + Uri.EscapeDataString($"WorkflowId STARTS_WITH '{prefix}'"));
        await Expect(page.Locator("[data-range-query]")).ToHaveTextAsync("StartTime > '2020-01-01T00:00:00Z' AND StartTime < '2020-01-02T00:00:00Z'");
        await Expect(page.Locator("p.empty")).ToHaveTextAsync("No workflows match.");
        await Expect(page.Locator($"tr[data-workflow-id='{id}']")).ToHaveCountAsync(0);
        using (await Engine.Http.PostAsync(new Uri($"api/v1/workflows/{id}/terminate", UriKind.Relative),
            new StringContent("""{"reason":"browser test cleanup"}""", System.Text.Encoding.UTF8, "application/json")))
        {
        }
    }
}
