using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// The engine's API reference at <c>/docs</c> (Scalar over <c>/openapi/v1.json</c>) renders in Chromium from the engine
/// alone: every request of the page that leaves the engine is refused and must not be needed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiReferenceBrowserTests(BrowserFixture fixture)
{
    private const int TestTimeout = 90_000;

    [Fact(Timeout = TestTimeout)]
    public async Task Docs_RendersTheReferenceOfEveryOperation_FromTheEngineAlone_WithoutTheKey()
    {
        var engine = new Uri(fixture.Engine.Url);
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            ColorScheme = ColorScheme.Light,
            BaseURL = fixture.Engine.Url,
        });
        context.SetDefaultTimeout(30_000);
        var elsewhere = new List<string>();
        await context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Scheme is "http" or "https" && url.Authority != engine.Authority)
            {
                lock (elsewhere)
                {
                    elsewhere.Add(route.Request.Url);
                }
                await route.AbortAsync(); // as on a machine without internet
                return;
            }
            await route.ContinueAsync();
        });
        var page = await context.NewPageAsync();
        var failed = new List<string>();
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                lock (failed)
                {
                    failed.Add($"{response.Status} {response.Url}");
                }
            }
        };

        await page.GotoAsync("/docs");

        foreach (var summary in new[] { "Start a workflow", "Describe a run", "Read a run's history", "Wait for a workflow's result", "Terminate a workflow" })
        {
            await Expect(page.GetByText(summary, new PageGetByTextOptions { Exact = true }).First).ToBeVisibleAsync();
        }
        await Expect(page.Locator("body")).ToContainTextAsync("Orchestrator engine REST API");
        await Expect(page.Locator("body")).ToContainTextAsync("X-Api-Key");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "api-reference.png") });

        Assert.Empty(failed);
        Assert.True(elsewhere.Count == 0, "the reference asked for: " + string.Join(", ", elsewhere));
        await context.CloseAsync();
    }
}
