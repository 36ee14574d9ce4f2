using Microsoft.Playwright;
using Orchestrator.Contracts.History;
using static Microsoft.Playwright.Assertions;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// The dashboard in real Chromium against the real engine and the sample worker (<c>samples/OrderSample</c>), each its
/// own process (see <see cref="EngineUnderTest"/>): <c>OrderWorkflow</c> where a run with activities is needed,
/// <c>ApprovalWorkflow</c> (open until signal <c>approve</c>) where an open run is.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardBrowserTests(BrowserFixture fixture)
{
    private const int TestTimeout = 90_000;
    private static readonly TimeSpan EngineWait = TimeSpan.FromSeconds(30);

    private EngineUnderTest Engine => fixture.Engine;

    [Fact(Timeout = TestTimeout)]
    public async Task List_StartedWorkflow_ShowsUpWithCountsAndLinksToItsRun()
    {
        var id = await Engine.StartApprovalAsync("list");
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
        var id = await Engine.StartApprovalAsync("filter");
        var other = await Engine.StartApprovalAsync("other");
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/");
        await page.FillAsync("input[name=workflowIdPrefix]", id);
        await page.ClickAsync("form.filters button[type=submit]");

        await Expect(page.Locator($"tr[data-workflow-id='{id}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-workflow-id='{other}']")).ToHaveCountAsync(0);
        Assert.Contains("workflowIdPrefix=" + id, page.Url, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task List_QueryBox_FindsRunsByAttribute_ShowsTheirColumns_AndPointsAtAnErrorWhereItIs()
    {
        var customer = "c-" + Guid.NewGuid().ToString("N")[..6];
        var id = await Engine.StartApprovalAsync("query", new Dictionary<string, object> { ["CustomerId"] = customer, ["Priority"] = 2 });
        var other = await Engine.StartApprovalAsync("query-other", new Dictionary<string, object> { ["CustomerId"] = customer + "-x", ["Priority"] = 5 });
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("/");
        await page.FillAsync("input[name=query]", $"CustomerId = '{customer}' AND ExecutionStatus = 'Running' ORDER BY StartTime DESC");
        await page.ClickAsync("form.filters button[type=submit]");

        var row = page.Locator($"tr[data-workflow-id='{id}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-workflow-id='{other}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("th.search-attribute[data-attribute=CustomerId]")).ToBeVisibleAsync();
        await Expect(row.Locator("td[data-attribute=Priority]")).ToHaveTextAsync("2");
        await Expect(row.Locator("td[data-attribute=CustomerId]")).ToHaveTextAsync(customer);
        await Expect(page.Locator(".count-chip[data-status=Running] .n")).ToHaveTextAsync("1");
        Assert.Contains("query=", page.Url, StringComparison.Ordinal); // the view is in the URL: a link or a reload shows it again
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "list-query.png") });

        var bad = $"CustomerId = '{customer}' AND Priority > 'high'";
        await page.FillAsync("input[name=query]", bad);
        await page.ClickAsync("form.filters button[type=submit]");

        var error = page.Locator(".query-error");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToHaveAttributeAsync("data-position", bad.IndexOf("'high'", StringComparison.Ordinal).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(error.Locator("mark")).ToHaveTextAsync("'");
        await Expect(error).ToContainTextAsync("Priority");
        await Expect(page.Locator("tr[data-workflow-id]")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "list-query-error.png") });
    }

    [Fact(Timeout = TestTimeout)]
    public async Task RunPage_ShowsEventsTimelineAndPendingActivities()
    {
        var id = await Engine.StartOrderAsync("order");
        await Engine.WaitUntilAsync(async () => await Engine.StatusAsync(id) != "Running", EngineWait, $"order {id} to close");
        var page = await fixture.NewPageAsync();

        await page.GotoAsync($"/workflows/{id}");

        await Expect(page.Locator(".run-head .badge")).ToHaveTextAsync("Completed");
        await Expect(page.Locator("tr[data-event-type=WorkflowStarted]")).ToBeVisibleAsync();
        await Expect(page.Locator("tr[data-event-type=WorkflowCompleted]")).ToBeVisibleAsync();
        await Expect(page.Locator(".timeline-row[data-kind=Workflow]")).ToHaveCountAsync(1);
        await Expect(page.Locator(".timeline-row[data-kind=Activity][data-outcome=Completed]")).ToHaveCountAsync(3); // charge, reserve, ship
        await Expect(page.Locator("body")).ToContainTextAsync($"trk-{id}");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "run.png") });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "run-full.png"), FullPage = true });
        await page.Locator("tr[data-event-type=WorkflowStarted]").ClickAsync();
        await Expect(page.Locator("tr[data-attributes-for='1'] pre.json")).ToContainTextAsync("\"workflowType\"");

        // a failed order: the shipment fails for good, the saga releases the stock and refunds the charge
        var failed = await Engine.StartOrderAsync("order-failed", failAt: "ship");
        await Engine.WaitUntilAsync(async () => await Engine.StatusAsync(failed) != "Running", EngineWait, $"order {failed} to close");
        await page.GotoAsync($"/workflows/{failed}");
        await Expect(page.Locator(".run-head .badge")).ToHaveTextAsync("Failed");
        await Expect(page.Locator(".timeline-row[data-kind=Activity][data-outcome=Failed]")).ToHaveCountAsync(1);
        await Expect(page.Locator(".timeline-row[data-kind=Activity]")).ToHaveCountAsync(5); // charge, reserve, ship, release, refund
        await Expect(page.Locator("body")).ToContainTextAsync("ShippingFailedException");

        var dark = await fixture.NewPageAsync(colorScheme: ColorScheme.Dark);
        await dark.GotoAsync($"/workflows/{id}");
        await Expect(dark.Locator("tr[data-event-type=WorkflowStarted]")).ToBeVisibleAsync();
        await dark.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotFolder, "run-dark.png") });
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Signal_SentFromPage_ArrivesInHistory()
    {
        var id = await Engine.StartApprovalAsync("signal");
        var page = await OpenRunAsync(id);

        await page.FillAsync("input[name=signal-name]", "approve");
        await page.FillAsync("textarea[name=signal-payload]", """{"by": "ana", "note": "from the browser"}""");
        await page.ClickAsync("button[data-action=signal]");
        await page.ClickAsync(".signal-form button[data-action=confirm]");

        await Expect(page.Locator(".signal-form [data-result=ok]")).ToContainTextAsync("202");
        await Engine.WaitUntilAsync(async () => (await Engine.HistoryAsync(id)).Any(IsSignal("approve", "from the browser")), EngineWait, "the signal in the history");
        await Expect(page.Locator("tr[data-event-type=SignalReceived]").First).ToContainTextAsync("approve");
        await Engine.WaitUntilAsync(async () => await Engine.StatusAsync(id) == "Completed", EngineWait, "the approval to complete");
        await Expect(page.Locator(".run-head .badge")).ToHaveTextAsync("Completed");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Signal_BadJson_ShowsErrorAndSendsNothing()
    {
        var id = await Engine.StartApprovalAsync("badjson");
        var page = await OpenRunAsync(id);

        await page.FillAsync("input[name=signal-name]", "approve");
        await page.FillAsync("textarea[name=signal-payload]", "{\"by\": ana}");
        await page.ClickAsync("button[data-action=signal]");

        await Expect(page.Locator(".signal-form [data-result=invalid]")).ToContainTextAsync("not valid JSON");
        await Expect(page.Locator(".signal-form button[data-action=confirm]")).ToHaveCountAsync(0);
        await Task.Delay(500); // a signal that was sent would be in the history by now (the engine appends it before its 202)
        Assert.DoesNotContain(await Engine.HistoryAsync(id), e => e.EventType == EventTypes.SignalReceived);
        Assert.Equal("Running", await Engine.StatusAsync(id));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Cancel_FromPage_RequestsCancellation()
    {
        var id = await Engine.StartApprovalAsync("cancel");
        var page = await OpenRunAsync(id);

        await page.ClickAsync("button[data-action=cancel]");
        await page.ClickAsync(".cancel-form button[data-action=confirm]");

        // in the cancel form while the run is open; once the cancel closed it (the forms are gone), under "This run is closed"
        await Expect(page.Locator(".actions [data-result=ok]")).ToContainTextAsync("202");
        await Engine.WaitUntilAsync(async () => (await Engine.HistoryAsync(id)).Any(e => e.EventType == EventTypes.WorkflowCancelRequested), EngineWait, "WorkflowCancelRequested");
        await Engine.WaitUntilAsync(async () => await Engine.StatusAsync(id) == "Canceled", EngineWait, "status Canceled");
        await Expect(page.Locator(".run-head .badge")).ToHaveTextAsync("Canceled");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Terminate_FromPage_TerminatesWithReason()
    {
        var id = await Engine.StartApprovalAsync("terminate");
        var page = await OpenRunAsync(id);

        await page.FillAsync("input[name=terminate-reason]", "stuck in the browser test");
        await page.ClickAsync("button[data-action=terminate]");
        await page.ClickAsync(".terminate-form button[data-action=confirm]");

        await Engine.WaitUntilAsync(async () => await Engine.StatusAsync(id) == "Terminated", EngineWait, "status Terminated");
        await Expect(page.Locator(".run-head .badge")).ToHaveTextAsync("Terminated");
        var terminated = (await Engine.HistoryAsync(id)).Single(e => e.EventType == EventTypes.WorkflowTerminated);
        Assert.Equal("stuck in the browser test", terminated.GetAttributes<WorkflowTerminatedAttributes>().Reason);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task OpenPage_NewEventArrives_ShowsItWithoutReload()
    {
        var id = await Engine.StartApprovalAsync("live");
        var page = await OpenRunAsync(id);
        await page.EvaluateAsync("() => { window.__notReloaded = true; }");
        await Expect(page.Locator(".timeline-row[data-kind=Activity]")).ToHaveCountAsync(0);

        // through the REST API, not the page: the worker then runs the approval's activity and completes the run
        using var response = await Engine.Http.PostAsync(new Uri($"api/v1/workflows/{id}/signals/approve", UriKind.Relative), new StringContent("""{"by": "ana"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(202, (int)response.StatusCode);

        await Expect(page.Locator("tr[data-event-type=SignalReceived]").First).ToContainTextAsync("approve", new() { Timeout = 10_000 });
        await Expect(page.Locator(".timeline-row[data-kind=Signal]")).ToHaveCountAsync(1);
        await Expect(page.Locator(".timeline-row[data-kind=Activity][data-outcome=Completed]")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Expect(page.Locator("tr[data-event-type=WorkflowCompleted]")).ToBeVisibleAsync();
        await Expect(page.Locator(".run-head .badge")).ToHaveTextAsync("Completed");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__notReloaded === true"));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task ApiKey_CallWithoutIt_Gets401_DashboardWithoutItShowsTheError()
    {
        if (Engine.ApiKey is null)
        {
            return; // a given engine without a key: nothing to check
        }
        using (var bare = new HttpClient())
        {
            using var response = await bare.GetAsync(new Uri(Engine.Url.TrimEnd('/') + "/api/v1/workflows"));
            Assert.Equal(401, (int)response.StatusCode);
        }

        await using var keyless = await DashboardProcess.StartAsync(Engine.Url, apiKey: null, TimeSpan.FromSeconds(60), fixture.UserSettings);
        var page = await fixture.NewPageAsync(SignedIn.Nobody);
        await BrowserFixture.SignInAsync(page, keyless.Url, "viewer", fixture.ViewerPassword);

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
