using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Orchestrator.Browser.Tests;

/// <summary>The Triggers page in real Chromium against the real engine: a trigger created through the REST API is listed with what its events did.</summary>
[Collection(BrowserCollection.Name)]
public sealed class TriggerBrowserTests(BrowserFixture fixture)
{
    private const int TestTimeout = 90_000;

    private EngineUnderTest Engine => fixture.Engine;

    private async Task PostEventAsync(string type, string id, object data)
    {
        using var content = new StringContent(JsonSerializer.Serialize(new { specversion = "1.0", id, source = "/shop", type, data }), Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/cloudevents+json");
        using var posted = await Engine.Http.PostAsync(new Uri("api/v1/events", UriKind.Relative), content);
        Assert.True(posted.StatusCode == HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Trigger_CreatedOverRest_IsListed_WithItsDeliveredDeduplicatedAndDeadLetteredCounts()
    {
        var triggerId = $"orders-{Guid.NewGuid().ToString("N")[..8]}";
        var type = $"com.example.{triggerId}.created";
        using (var created = await Engine.Http.PostAsJsonAsync("api/v1/triggers", new
        {
            triggerId,
            source = new { kind = "cloudevents", type },
            action = new { kind = "start", workflowType = "ApprovalWorkflow", taskQueue = Engine.TaskQueue, workflowId = "approval-{data.requestId}" },
        }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }
        var requestId = triggerId + "-r1";
        try
        {
            await PostEventAsync(type, "e-1", new { requestId, days = 7 });
            await PostEventAsync(type, "e-1", new { requestId, days = 7 }); // the same event again: deduplicated
            await PostEventAsync(type, "e-2", new { days = 7 });            // no requestId: dead-lettered

            var page = await fixture.NewPageAsync();
            await page.GotoAsync("/");
            await page.ClickAsync(".topbar nav a[href=triggers]");

            var row = page.Locator($"tr[data-trigger-id='{triggerId}']");
            await Expect(row).ToBeVisibleAsync();
            await Expect(row).ToContainTextAsync(type);
            await Expect(row).ToContainTextAsync("approval-{data.requestId}");
            await Expect(row.Locator("[data-count=delivered]")).ToHaveTextAsync("1");
            await Expect(row.Locator("[data-count=deduplicated]")).ToHaveTextAsync("1");
            await Expect(row.Locator("[data-count=dead-lettered]")).ToHaveTextAsync("1");
            await Expect(row.Locator("[data-field=last-error]")).ToContainTextAsync("{data.requestId}");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "triggers.png") });
        }
        finally
        {
            using var deleted = await Engine.Http.DeleteAsync(new Uri($"api/v1/triggers/{triggerId}", UriKind.Relative));
            using var terminated = await Engine.Http.PostAsJsonAsync($"api/v1/workflows/approval-{requestId}/terminate", new { reason = "browser test cleanup" });
        }
    }
}
