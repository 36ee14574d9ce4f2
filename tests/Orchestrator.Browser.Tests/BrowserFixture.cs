using System.Security.Cryptography;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Orchestrator.Browser.Tests;

/// <summary>Who a test's page is signed in as.</summary>
internal enum SignedIn
{
    Nobody,
    Viewer,
    Operator,
}

/// <summary>
/// One engine and sample worker (their own processes unless <c>ORCHESTRATOR_E2E_ENGINE_URL</c>), one dashboard process
/// with two users (<c>viewer</c>, role Viewer; <c>operator</c>, role Operator; random passwords hashed with the
/// dashboard's own <c>hash-password</c>) and one headless Chromium for all browser tests. Each user signs in once through
/// the login form; pages of that user start from the saved cookies.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly Dictionary<SignedIn, string> storageStates = [];
    private IPlaywright? playwright;

    internal EngineUnderTest Engine { get; private set; } = null!;

    internal DashboardProcess Dashboard { get; private set; } = null!;

    internal IBrowser Browser { get; private set; } = null!;

    internal string ViewerPassword { get; } = RandomPassword();

    internal string OperatorPassword { get; } = RandomPassword();

    /// <summary>The dashboard's settings with the two users (environment variables).</summary>
    internal IReadOnlyDictionary<string, string> UserSettings { get; private set; } = new Dictionary<string, string>();

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
        var viewerHash = DashboardProcess.HashPasswordAsync(ViewerPassword);
        var operatorHash = DashboardProcess.HashPasswordAsync(OperatorPassword);
        Engine = await EngineUnderTest.StartAsync();
        UserSettings = new Dictionary<string, string>
        {
            ["Orchestrator__Dashboard__Users__viewer__PasswordHash"] = await viewerHash,
            ["Orchestrator__Dashboard__Users__viewer__Role"] = "Viewer",
            ["Orchestrator__Dashboard__Users__operator__PasswordHash"] = await operatorHash,
            ["Orchestrator__Dashboard__Users__operator__Role"] = "Operator",
        };
        Dashboard = await DashboardProcess.StartAsync(Engine.Url, Engine.ApiKey, TimeSpan.FromSeconds(60), UserSettings);
        playwright = await Playwright.CreateAsync();
        // Playwright's assertions wait 5 s by default; a JavaScript page (the Scalar reference, a Blazor circuit) took longer
        // than that to render on this 2-core machine at load ~50 during a CI run. Actions already wait 30 s (each context's
        // default); assertions get the same, so a slow render still has to happen, just not within 5 s.
        Assertions.SetDefaultExpectTimeout(30_000);
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        foreach (var (who, user, password) in new[] { (SignedIn.Viewer, "viewer", ViewerPassword), (SignedIn.Operator, "operator", OperatorPassword) })
        {
            var page = await NewPageAsync(SignedIn.Nobody);
            await SignInAsync(page, Dashboard.Url, user, password);
            storageStates[who] = await page.Context.StorageStateAsync();
            await page.Context.CloseAsync();
        }
    }

    /// <summary>A fresh page at 1280x720 signed in as <paramref name="who"/> (operator unless asked), light colour scheme unless asked.</summary>
    internal async Task<IPage> NewPageAsync(SignedIn who = SignedIn.Operator, ColorScheme colorScheme = ColorScheme.Light)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
            ColorScheme = colorScheme,
            BaseURL = Dashboard.Url,
            StorageState = who == SignedIn.Nobody ? null : storageStates[who],
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the login form of the dashboard at <paramref name="dashboardUrl"/> and waits for the workflow list.</summary>
    internal static async Task SignInAsync(IPage page, string dashboardUrl, string user, string password)
    {
        await page.GotoAsync(dashboardUrl + "/login");
        await page.FillAsync("input[name=username]", user);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("button[data-action=login]");
        // Not page.WaitForURLAsync: when the URL already matches (the click waits for the redirect's commit) it waits for
        // the page's load event, and Playwright's client can miss a load event that lands just after its check, which it
        // then waits for until the timeout (seen on a busy machine: "Timeout 15000ms exceeded", only "NetworkIdle" fired).
        // The URL assertion and the user's name in the top bar are what sign-in promises; neither needs the load event.
        await Expect(page).ToHaveURLAsync(dashboardUrl + "/", new PageAssertionsToHaveURLOptions { Timeout = 15_000 });
        await page.Locator($".topbar .user[data-user='{user}']").WaitForAsync();
    }

    private static string RandomPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));

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
