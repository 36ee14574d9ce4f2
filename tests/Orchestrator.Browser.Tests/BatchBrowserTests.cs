using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// The list's "act on all matching" batch action in real Chromium against the real engine: the confirmation counts the open
/// runs of the query, the batch terminates each of them (and nothing else), and the page follows its progress.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BatchBrowserTests(BrowserFixture fixture)
{
    private const int TestTimeout = 90_000;

    private EngineUnderTest Engine => fixture.Engine;

    [Fact(Timeout = TestTimeout)]
    public async Task List_BatchTerminate_ConfirmsWithTheCount_TerminatesEveryMatchingRun_AndShowsItsProgress()
    {
        var prefix = "batch-" + Guid.NewGuid().ToString("N")[..6];
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await Engine.StartApprovalAsync(prefix));
        }
        var bystander = await Engine.StartApprovalAsync("batch-bystander");
        var closed = await Engine.StartApprovalAsync(prefix); // matches the query but is closed: neither counted nor acted on
        using (var terminated = await Engine.Http.PostAsync(new Uri($"api/v1/workflows/{closed}/terminate", UriKind.Relative),
            new StringContent("""{"reason":"closed before the batch"}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.True(terminated.IsSuccessStatusCode, await terminated.Content.ReadAsStringAsync());
        }
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        var query = $"WorkflowId STARTS_WITH '{prefix}' ORDER BY StartTime ASC";
        await page.FillAsync("input[name=query]", query);
        await page.ClickAsync("form.filters button[type=submit]");
        await Expect(page.Locator("tr[data-workflow-id]")).ToHaveCountAsync(4);

        await page.ClickAsync("button[data-action=batch]");

        var panel = page.Locator(".batch-panel");
        await Expect(panel.Locator("[data-open-count]")).ToHaveAttributeAsync("data-open-count", "3");
        await Expect(panel.Locator(".batch-query")).ToHaveTextAsync(query);
        await page.SelectOptionAsync("select[name=batch-operation]", "Terminate");
        await page.FillAsync("input[name=batch-reason]", "bad deploy 4711");
        await Expect(panel.Locator(".confirm")).ToContainTextAsync("Terminate 3 runs now?");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "list-batch-confirm.png") });

        await page.ClickAsync("button[data-action=start-batch]");

        var progress = panel.Locator(".batch-progress");
        await Expect(progress).ToHaveAttributeAsync("data-state", "Completed");
        await Expect(progress).ToHaveAttributeAsync("data-done", "3");
        await Expect(progress).ToHaveAttributeAsync("data-failed", "0");
        await Expect(progress.Locator(".progress-text")).ToHaveTextAsync("3 of 3 done, 0 failed");
        foreach (var id in ids)
        {
            await Expect(page.Locator($"tr[data-workflow-id='{id}'] .badge")).ToHaveTextAsync("Terminated"); // the list read again once the batch closed
        }
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "list-batch.png") });

        foreach (var id in ids)
        {
            using var run = JsonDocument.Parse(await Engine.Http.GetStringAsync(new Uri($"api/v1/workflows/{id}", UriKind.Relative)));
            Assert.Equal("Terminated", run.RootElement.GetProperty("status").GetString());
            Assert.Contains("bad deploy 4711", run.RootElement.GetProperty("failure").GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Single(await Engine.HistoryAsync(id), e => e.EventType == "WorkflowTerminated");
        }
        Assert.Equal("Running", await Engine.StatusAsync(bystander));
        Assert.DoesNotContain(await Engine.HistoryAsync(closed), e => e.EventType == "WorkflowTerminated" && e.Attributes.ToString().Contains("4711", StringComparison.Ordinal));
        using (var cleanup = await Engine.Http.PostAsync(new Uri($"api/v1/workflows/{bystander}/terminate", UriKind.Relative),
            new StringContent("""{"reason":"browser test cleanup"}""", System.Text.Encoding.UTF8, "application/json")))
        {
        }
    }
}
