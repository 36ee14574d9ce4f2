using Microsoft.Playwright;
using Orchestrator.Contracts.History;
using static Microsoft.Playwright.Assertions;

namespace Orchestrator.Browser.Tests;

/// <summary>The dashboard in real Chromium against an engine (fake by default; see <see cref="EngineUnderTest"/>).</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardBrowserTests(BrowserFixture fixture)
{
    private const int TestTimeout = 90_000;
    private static readonly TimeSpan EngineWait = TimeSpan.FromSeconds(20);

    private EngineUnderTest Engine => fixture.Engine;

    [Fact(Timeout = TestTimeout)]
    public async Task List_StartedWorkflow_ShowsUpWithCountsAndLinksToItsRun()
    {
        var id = await Engine.StartWorkflowAsync("list");
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/");

        var row = page.Locator($"tr[data-workflow-id='{id}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.Locator(".badge")).ToHaveTextAsync("Running");
        await Expect(page.Locator(".count-chip[data-status=Running] .n")).Not.ToHaveTextAsync("0");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "list.png") });

        await row.Locator("a").First.ClickAsync();
        await Expect(page.Locator("h1[data-workflow-id]")).ToHaveTextAsync(id);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task List_FilterByIdPrefix_ShowsOnlyMatchingRuns()
    {
        var id = await Engine.StartWorkflowAsync("filter");
        var other = await Engine.StartWorkflowAsync("other");
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/");
        await page.FillAsync("input[name=workflowIdPrefix]", id);
        await page.ClickAsync("form.filters button[type=submit]");

        await Expect(page.Locator($"tr[data-workflow-id='{id}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-workflow-id='{other}']")).ToHaveCountAsync(0);
        Assert.Contains("workflowIdPrefix=" + id, page.Url, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task RunPage_ShowsEventsTimelineAndPendingActivities()
    {
        var id = await Engine.StartWorkflowAsync("run");
        var page = await fixture.NewPageAsync();

        await page.GotoAsync($"/workflows/{id}");

        await Expect(page.Locator("tr[data-event-type=WorkflowStarted]")).ToBeVisibleAsync();
        await Expect(page.Locator(".timeline-row[data-kind=Workflow]")).ToHaveCountAsync(1);
        await Expect(page.Locator(".timeline-row[data-kind=Activity]").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "run.png") });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "run-full.png"), FullPage = true });
        await page.Locator("tr[data-event-type=WorkflowStarted]").ClickAsync();
        await Expect(page.Locator("tr[data-attributes-for='1'] pre.json")).ToContainTextAsync("\"workflowType\"");
        if (Engine.Fake is not null)
        {
            await Expect(page.Locator(".timeline-row[data-outcome=Retried]")).ToHaveCountAsync(2);
            await Expect(page.Locator("table.pending")).ToContainTextAsync("ReserveStock");
        }

        var dark = await fixture.NewPageAsync(ColorScheme.Dark);
        await dark.GotoAsync($"/workflows/{id}");
        await Expect(dark.Locator("tr[data-event-type=WorkflowStarted]")).ToBeVisibleAsync();
        await dark.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "run-dark.png") });
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Signal_SentFromPage_ArrivesInHistory()
    {
        var id = await Engine.StartWorkflowAsync("signal");
        var page = await OpenRunAsync(id);

        await page.FillAsync("input[name=signal-name]", "approve");
        await page.FillAsync("textarea[name=signal-payload]", """{"by": "ana", "note": "from the browser"}""");
        await page.ClickAsync("button[data-action=signal]");
        await page.ClickAsync(".signal-form button[data-action=confirm]");

        await Expect(page.Locator(".signal-form [data-result=ok]")).ToContainTextAsync("202");
        await EngineUnderTest.WaitUntilAsync(async () => (await Engine.HistoryAsync(id)).Any(IsSignal("approve", "from the browser")), EngineWait, "the signal in the history");
        await Expect(page.Locator("tr[data-event-type=SignalReceived]").First).ToContainTextAsync("approve");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Signal_BadJson_ShowsErrorAndSendsNothing()
    {
        var id = await Engine.StartWorkflowAsync("badjson");
        var page = await OpenRunAsync(id);

        await page.FillAsync("input[name=signal-name]", "approve");
        await page.FillAsync("textarea[name=signal-payload]", "{\"by\": ana}");
        await page.ClickAsync("button[data-action=signal]");

        await Expect(page.Locator(".signal-form [data-result=invalid]")).ToContainTextAsync("not valid JSON");
        await Expect(page.Locator(".signal-form button[data-action=confirm]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(await Engine.HistoryAsync(id), e => e.EventType == EventTypes.SignalReceived);
        if (Engine.Fake is { } fake)
        {
            Assert.DoesNotContain(fake.Posts, p => p.Path.Contains(id, StringComparison.Ordinal));
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Cancel_FromPage_RequestsCancellation()
    {
        var id = await Engine.StartWorkflowAsync("cancel");
        var page = await OpenRunAsync(id);

        await page.ClickAsync("button[data-action=cancel]");
        await page.ClickAsync(".cancel-form button[data-action=confirm]");

        await Expect(page.Locator(".cancel-form [data-result=ok]")).ToContainTextAsync("202");
        await EngineUnderTest.WaitUntilAsync(async () => (await Engine.HistoryAsync(id)).Any(e => e.EventType == EventTypes.WorkflowCancelRequested), EngineWait, "WorkflowCancelRequested");
        if (Engine.Fake is { } fake)
        {
            Assert.Contains(fake.Posts, p => p.Path == $"/api/v1/workflows/{id}/cancel");
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Terminate_FromPage_TerminatesWithReason()
    {
        var id = await Engine.StartWorkflowAsync("terminate");
        var page = await OpenRunAsync(id);

        await page.FillAsync("input[name=terminate-reason]", "stuck in the browser test");
        await page.ClickAsync("button[data-action=terminate]");
        await page.ClickAsync(".terminate-form button[data-action=confirm]");

        await EngineUnderTest.WaitUntilAsync(async () => await Engine.StatusAsync(id) == "Terminated", EngineWait, "status Terminated");
        await Expect(page.Locator(".run-head .badge")).ToHaveTextAsync("Terminated");
        var terminated = (await Engine.HistoryAsync(id)).Single(e => e.EventType == EventTypes.WorkflowTerminated);
        Assert.Equal("stuck in the browser test", terminated.GetAttributes<WorkflowTerminatedAttributes>().Reason);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task OpenPage_NewEventArrives_ShowsItWithoutReload()
    {
        var id = await Engine.StartWorkflowAsync("live");
        var page = await OpenRunAsync(id);
        await page.EvaluateAsync("() => { window.__notReloaded = true; }");

        using var response = await Engine.Http.PostAsync(new Uri($"api/v1/workflows/{id}/signals/poke", UriKind.Relative), new StringContent("\"live\"", System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();

        await Expect(page.Locator("tr[data-event-type=SignalReceived]").First).ToContainTextAsync("poke", new() { Timeout = 10_000 });
        await Expect(page.Locator(".timeline-row[data-kind=Signal]")).ToHaveCountAsync(1);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task ApiKey_CallWithoutIt_Gets401_DashboardWithoutItShowsTheError()
    {
        if (Engine.ApiKey is null)
        {
            return; // a real engine without a key: nothing to check
        }
        using (var bare = new HttpClient())
        {
            using var response = await bare.GetAsync(new Uri(Engine.Url.TrimEnd('/') + "/api/v1/workflows"));
            Assert.Equal(401, (int)response.StatusCode);
        }

        await using var keyless = await DashboardProcess.StartAsync(Engine.Url, apiKey: null, TimeSpan.FromSeconds(60));
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(keyless.Url + "/");

        await Expect(page.Locator(".banner.error")).ToContainTextAsync("401");
    }

    private async Task<IPage> OpenRunAsync(string workflowId)
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/workflows/{workflowId}");
        await Expect(page.Locator("tr[data-event-type=WorkflowStarted]")).ToBeVisibleAsync();
        await Expect(page.Locator(".run-head .badge")).ToHaveTextAsync("Running");
        return page;
    }

    private static Func<HistoryEvent, bool> IsSignal(string name, string text)
        => e => e.EventType == EventTypes.SignalReceived && e.GetAttributes<SignalReceivedAttributes>() is var s && s.SignalName == name && s.Input?.GetRawText().Contains(text, StringComparison.Ordinal) == true;
}
