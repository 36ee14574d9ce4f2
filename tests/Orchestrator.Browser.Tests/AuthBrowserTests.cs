using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Orchestrator.Contracts.History;
using static Microsoft.Playwright.Assertions;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// The dashboard's sign-in and roles, in Chromium and over plain HTTP, against the fixture's dashboard (users
/// <c>viewer</c> and <c>operator</c>) or dashboards of their own where the configuration differs.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class AuthBrowserTests(BrowserFixture fixture)
{
    private const int TestTimeout = 90_000;
    private static readonly TimeSpan EngineWait = TimeSpan.FromSeconds(30);

    private EngineUnderTest Engine => fixture.Engine;

    [Fact(Timeout = TestTimeout)]
    public async Task Visit_WithoutSignIn_LandsOnLoginPage()
    {
        var id = await Engine.StartApprovalAsync("nologin");
        var page = await fixture.NewPageAsync(SignedIn.Nobody);

        await page.GotoAsync($"/workflows/{id}");

        await Expect(page.Locator("form.login-form")).ToBeVisibleAsync();
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await Expect(page.Locator("h1[data-workflow-id]")).ToHaveCountAsync(0);
        await Expect(page.Locator("body")).Not.ToContainTextAsync(id);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "login.png") });

        // and after signing in, the page asked for
        await page.FillAsync("input[name=username]", "viewer");
        await page.FillAsync("input[name=password]", fixture.ViewerPassword);
        await page.ClickAsync("button[data-action=login]");
        await Expect(page.Locator("h1[data-workflow-id]")).ToHaveTextAsync(id);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Login_WrongPasswordOrUnknownUser_IsRefusedWithTheSameMessage()
    {
        var page = await fixture.NewPageAsync(SignedIn.Nobody);

        foreach (var (user, password) in new[] { ("operator", fixture.OperatorPassword + "x"), ("nobody", fixture.OperatorPassword) })
        {
            await page.GotoAsync("/login");
            await page.FillAsync("input[name=username]", user);
            await page.FillAsync("input[name=password]", password);
            await page.ClickAsync("button[data-action=login]");

            await Expect(page.Locator("[data-login=failed]")).ToHaveTextAsync("Wrong user name or password.");
            await Expect(page.Locator(".topbar .user")).ToHaveCountAsync(0);
        }
        await page.GotoAsync("/");
        await Expect(page.Locator("form.login-form")).ToBeVisibleAsync();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Viewer_SeesHistory_CannotTerminate_EvenWhenTheClickIsForced()
    {
        var id = await Engine.StartApprovalAsync("viewer");
        var page = await fixture.NewPageAsync(SignedIn.Viewer);

        await page.GotoAsync($"/workflows/{id}");

        await Expect(page.Locator("tr[data-event-type=WorkflowStarted]")).ToBeVisibleAsync();
        await Expect(page.Locator(".run-head .badge")).ToHaveTextAsync("Running");
        await Expect(page.Locator(".topbar .user")).ToHaveAttributeAsync("data-role", "Viewer");
        await Expect(page.Locator("[data-role-note]")).ToContainTextAsync("need the Operator role");
        await Expect(page.Locator("button[data-action=terminate]")).ToBeDisabledAsync();
        await Expect(page.Locator("button[data-action=cancel]")).ToBeDisabledAsync();
        await Expect(page.Locator("button[data-action=signal]")).ToBeDisabledAsync();
        await page.Locator(".panel.actions").ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "viewer-actions.png") });

        // What a hostile viewer could do in the page: enable the buttons and click through. The circuit's event
        // reaches the server, which refuses it: nothing goes to the engine.
        await EnableAndClickAsync(page, ".terminate-form button[data-action=terminate]");
        await EnableAndClickAsync(page, ".terminate-form button[data-action=confirm]");
        await Expect(page.Locator(".terminate-form [data-result=error]")).ToContainTextAsync("403 Forbidden: viewer (Viewer) may not terminate");
        await EnableAndClickAsync(page, ".cancel-form button[data-action=cancel]");
        await EnableAndClickAsync(page, ".cancel-form button[data-action=confirm]");
        await Expect(page.Locator(".cancel-form [data-result=error]")).ToContainTextAsync("403 Forbidden");

        Assert.Equal("Running", await Engine.StatusAsync(id));
        var history = await Engine.HistoryAsync(id);
        Assert.DoesNotContain(history, e => e.EventType is EventTypes.WorkflowTerminated or EventTypes.WorkflowCancelRequested);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Operator_SignsIn_Terminates_SignsOut()
    {
        var id = await Engine.StartApprovalAsync("operator");
        var page = await fixture.NewPageAsync(SignedIn.Nobody);
        await BrowserFixture.SignInAsync(page, fixture.Dashboard.Url, "operator", fixture.OperatorPassword);
        await page.GotoAsync($"/workflows/{id}");
        await Expect(page.Locator(".run-head .badge")).ToHaveTextAsync("Running");
        await Expect(page.Locator("[data-role-note]")).ToHaveCountAsync(0);

        await page.FillAsync("input[name=terminate-reason]", "by the operator");
        await page.ClickAsync("button[data-action=terminate]");
        await page.ClickAsync(".terminate-form button[data-action=confirm]");

        await Engine.WaitUntilAsync(async () => await Engine.StatusAsync(id) == "Terminated", EngineWait, "status Terminated");
        await Expect(page.Locator(".run-head .badge")).ToHaveTextAsync("Terminated");

        await page.ClickAsync("button[data-action=logout]");
        await Expect(page.Locator("[data-login=signed-out]")).ToBeVisibleAsync();
        await page.GotoAsync($"/workflows/{id}");
        await Expect(page.Locator("form.login-form")).ToBeVisibleAsync();
    }

    [Fact(Timeout = TestTimeout)]
    public async Task AccountPosts_WithoutAntiforgeryToken_AreRefused()
    {
        var url = fixture.Dashboard.Url;
        using var http = NewClient(out _);

        // the right password, but no token (as from another site's form): 400, no session cookie
        using (var login = await http.PostAsync(new Uri(url + "/account/login"), Form(("username", "operator"), ("password", fixture.OperatorPassword))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
            Assert.DoesNotContain(login.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("orchestrator-dashboard=", StringComparison.Ordinal));
        }
        using (var page = await http.GetAsync(new Uri(url + "/")))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Contains("/login", page.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        // signed in with the token; signing out without it is refused and the session stays
        await SignInOverHttpAsync(http, url, "operator", fixture.OperatorPassword);
        using (var logout = await http.PostAsync(new Uri(url + "/account/logout"), Form()))
        {
            Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        }
        using (var page = await http.GetAsync(new Uri(url + "/")))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Login_TooManyFailures_RefusesEvenTheRightPasswordForAMinute()
    {
        var settings = new Dictionary<string, string>(fixture.UserSettings) { ["Orchestrator__Dashboard__FailedLoginsPerMinute"] = "2" };
        await using var dashboard = await DashboardProcess.StartAsync(Engine.Url, Engine.ApiKey, TimeSpan.FromSeconds(60), settings);
        using var http = NewClient(out _);

        Assert.Contains("failed=1", await PostLoginAsync(http, dashboard.Url, "operator", "wrong-1"), StringComparison.Ordinal);
        Assert.Contains("failed=1", await PostLoginAsync(http, dashboard.Url, "operator", "wrong-2"), StringComparison.Ordinal);
        Assert.Contains("throttled=1", await PostLoginAsync(http, dashboard.Url, "operator", fixture.OperatorPassword), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Dashboard_NoLoginConfigured_RefusesToStart()
    {
        var (exitCode, output) = await DashboardProcess.RunToExitAsync(Engine.Url, new Dictionary<string, string>(), TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains("no login configured", output, StringComparison.Ordinal);
        Assert.Contains("hash-password", output, StringComparison.Ordinal);
        Assert.Contains("AllowAnonymous", output, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Oidc_Configured_LoginOffersItAndTheChallengeGoesToTheAuthorizeEndpoint()
    {
        using var provider = new FakeOidcProvider();
        await using var dashboard = await DashboardProcess.StartAsync(Engine.Url, Engine.ApiKey, TimeSpan.FromSeconds(60), new Dictionary<string, string>
        {
            ["Orchestrator__Dashboard__Oidc__Authority"] = provider.Authority,
            ["Orchestrator__Dashboard__Oidc__ClientId"] = "orchestrator-dashboard",
            ["Orchestrator__Dashboard__Oidc__ClientSecret"] = "s3cret",
            ["Orchestrator__Dashboard__Oidc__RequireHttpsMetadata"] = "false",
            ["Orchestrator__Dashboard__Oidc__DisplayName"] = "Test IdP",
        });
        using var http = NewClient(out _);

        using (var root = await http.GetAsync(new Uri(dashboard.Url + "/workflows/x")))
        {
            Assert.Equal(HttpStatusCode.Redirect, root.StatusCode);
        }
        var login = await http.GetStringAsync(new Uri(dashboard.Url + "/login?ReturnUrl=%2Fworkflows%2Fx"));
        Assert.Contains("Sign in with Test IdP", login, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"password\"", login, StringComparison.Ordinal); // no local users: no password form

        using var challenge = await http.GetAsync(new Uri(dashboard.Url + "/account/oidc?returnUrl=%2Fworkflows%2Fx"));
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var location = challenge.Headers.Location!.ToString();
        Assert.StartsWith(provider.Authority + "/authorize?", location, StringComparison.Ordinal);
        Assert.Contains("client_id=orchestrator-dashboard", location, StringComparison.Ordinal);
        Assert.Contains("response_type=code", location, StringComparison.Ordinal);
        Assert.Contains("code_challenge=", location, StringComparison.Ordinal);
        Assert.Contains("redirect_uri=" + Uri.EscapeDataString(dashboard.Url + "/signin-oidc"), location, StringComparison.Ordinal);
        Assert.Contains("/.well-known/openid-configuration", provider.Requests);
    }

    /// <summary>Removes <c>disabled</c> from the element (as anyone can in the browser's developer tools) and clicks it.</summary>
    private static async Task EnableAndClickAsync(IPage page, string selector)
    {
        var element = page.Locator(selector);
        await element.WaitForAsync();
        await element.EvaluateAsync("e => e.removeAttribute('disabled')");
        await element.ClickAsync();
    }

    private static HttpClient NewClient(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields)
        => new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>Reads the login page (its antiforgery cookie and token) and posts the form: where the answer redirects to.</summary>
    private static async Task<string> PostLoginAsync(HttpClient http, string url, string user, string password)
    {
        var html = await http.GetStringAsync(new Uri(url + "/login"));
        var token = TokenField().Match(html);
        Assert.True(token.Success, "no antiforgery token on the login page");
        using var response = await http.PostAsync(new Uri(url + "/account/login"),
            Form(("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)), ("username", user), ("password", password), ("returnUrl", "/")));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!.ToString();
    }

    private static async Task SignInOverHttpAsync(HttpClient http, string url, string user, string password)
        => Assert.Equal("/", await PostLoginAsync(http, url, user, password));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
