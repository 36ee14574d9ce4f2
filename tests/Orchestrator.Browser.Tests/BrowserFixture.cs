using Microsoft.Playwright;

namespace Orchestrator.Browser.Tests;

/// <summary>One engine and sample worker (their own processes unless <c>ORCHESTRATOR_E2E_ENGINE_URL</c>), one dashboard process and one headless Chromium for all browser tests.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    internal EngineUnderTest Engine { get; private set; } = null!;

    internal DashboardProcess Dashboard { get; private set; } = null!;

    internal IBrowser Browser { get; private set; } = null!;

    /// <summary>Screenshots go here (under the test output): list.png, run.png.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is missing at {ChromiumPath}: the browser tests need Debian's chromium package. Install it with `apt-get install -y chromium` (never `playwright install`).");
        }
        Directory.CreateDirectory(ScreenshotFolder);
        Engine = await EngineUnderTest.StartAsync();
        Dashboard = await DashboardProcess.StartAsync(Engine.Url, Engine.ApiKey, TimeSpan.FromSeconds(60));
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh page at 1280x720, light colour scheme unless asked.</summary>
    internal async Task<IPage> NewPageAsync(ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
            ColorScheme = colorScheme,
            BaseURL = Dashboard.Url,
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        playwright?.Dispose();
        if (Dashboard is not null)
        {
            await Dashboard.DisposeAsync();
        }
        if (Engine is not null)
        {
            await Engine.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
