using System.Net;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.History;
using Orchestrator.Dashboard.History;
using Orchestrator.Sdk;

namespace Orchestrator.Dashboard.Tests;

/// <summary>Runs <c>echo</c> activities one after another (0 .. count-1) and returns their sum.</summary>
[Workflow("EchoLoopWorkflow")]
public sealed class EchoLoopWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int count)
    {
        var sum = 0;
        for (var i = 0; i < count; i++)
        {
            sum += await context.ExecuteActivityAsync<int>("echo", i);
        }
        return sum;
    }
}

/// <summary><see cref="EchoLoopWorkflow"/> changed in its last step only (activity "other"): only a history with its last events tells them apart.</summary>
[Workflow("EchoLoopWorkflow")]
public sealed class EchoLoopChangedAtTheEndWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int count)
    {
        var sum = 0;
        for (var i = 0; i < count; i++)
        {
            sum += await context.ExecuteActivityAsync<int>(i == count - 1 ? "other" : "echo", i);
        }
        return sum;
    }
}

/// <summary>The run page's "Download history": every page of the engine's history as one JSON file that WorkflowReplayer replays.</summary>
public sealed class HistoryDownloadTests
{
    private const string RunId = "01a2430c-0000-7000-8000-000000000001";
    private const int Steps = 400;
    private const int EnginePage = 1000; // the stub's pages, whatever the download asks for: 2,405 events in 3 pages

    private readonly StubEngine engine = new();

    /// <summary>The history <see cref="EchoLoopWorkflow"/> records for <paramref name="steps"/> steps: 1 + 3 + 6 per step + 1 events.</summary>
    private static List<HistoryEvent> EchoLoopHistory(int steps)
    {
        var events = new List<HistoryEvent>();
        void Add<T>(string type, T attributes) => events.Add(HistoryJson.CreateEvent(events.Count + 1, type, Histories.At(events.Count), attributes));
        void Task()
        {
            Add(EventTypes.WorkflowTaskScheduled, new WorkflowTaskScheduledAttributes(1));
            var scheduled = events.Count;
            Add(EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(scheduled));
            Add(EventTypes.WorkflowTaskCompleted, new WorkflowTaskCompletedAttributes(scheduled));
        }
        Add(EventTypes.WorkflowStarted, new WorkflowStartedAttributes("EchoLoopWorkflow", "default", JsonSerializer.SerializeToElement(steps), 1));
        Task();
        for (var i = 0; i < steps; i++)
        {
            Add(EventTypes.ActivityScheduled, new ActivityScheduledAttributes(i + 1, "echo", JsonSerializer.SerializeToElement(new[] { i })));
            var scheduled = events.Count;
            Add(EventTypes.ActivityStarted, new ActivityStartedAttributes(i + 1, scheduled, 1));
            Add(EventTypes.ActivityCompleted, new ActivityCompletedAttributes(i + 1, scheduled, JsonSerializer.SerializeToElement(i)));
            Task();
        }
        Add(EventTypes.WorkflowCompleted, new WorkflowCompletedAttributes(JsonSerializer.SerializeToElement(steps * (steps - 1) / 2)));
        return events;
    }

    /// <summary>The engine's history of run <see cref="RunId"/>: pages of <see cref="EnginePage"/> events, the token being the next offset.</summary>
    private void Serve(List<HistoryEvent> events, Func<int, (HttpStatusCode, string)?>? instead = null) => engine.Respond = request =>
    {
        var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
        Assert.Equal(RunId, query["runId"]);
        var offset = int.Parse(query["pageToken"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        if (instead?.Invoke(offset) is { } answer)
        {
            return answer;
        }
        var next = offset + EnginePage < events.Count ? (offset + EnginePage).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return (HttpStatusCode.OK, Histories.Page(events.Skip(offset).Take(EnginePage), next));
    };

    private async Task<string> DownloadAsync()
    {
        var client = engine.CreateClient();
        var first = await client.GetHistoryPageBytesAsync("loop-1", RunId, HistoryDownload.PageSize, null);
        Assert.True(first.IsSuccess, first.Error);
        using var file = new MemoryStream();
        await HistoryDownload.WriteAsync(file, first.Value!, token => client.GetHistoryPageBytesAsync("loop-1", RunId, HistoryDownload.PageSize, token), default);
        return System.Text.Encoding.UTF8.GetString(file.ToArray());
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Download_OfAHistoryOfThreePages_IsOneDocumentWithEveryEvent_ThatWorkflowReplayerReplays()
    {
        var events = EchoLoopHistory(Steps);
        Serve(events);

        var json = await DownloadAsync();

        var page = HistoryJson.ParseHistoryPage(json);
        Assert.Null(page.NextPageToken);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), page.Events.Select(e => e.EventId));
        Assert.Equal(events.Select(e => (e.EventType, e.Timestamp, e.Attributes.GetRawText())), page.Events.Select(e => (e.EventType, e.Timestamp, e.Attributes.GetRawText())));
        Assert.Equal(3, engine.Requests.Count);
        Assert.Contains("\"nextPageToken\":null}", json, StringComparison.Ordinal);

        await WorkflowReplayer.ReplayAsync<EchoLoopWorkflow>(json);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Download_HoldsTheLastPage_ACodeChangeInTheLastStepIsNonDeterminism_WhichTheFirstPageAloneWouldMiss()
    {
        var events = EchoLoopHistory(Steps);
        Serve(events);

        var json = await DownloadAsync();

        var error = await Assert.ThrowsAsync<NonDeterminismException>(() => WorkflowReplayer.ReplayAsync<EchoLoopChangedAtTheEndWorkflow>(json));
        Assert.Contains("other", error.Message, StringComparison.Ordinal);
        // the first page alone (up to its last workflow task, as an open run's history ends) replays on the changed code: the check needs the end
        var firstPage = events.Take(EnginePage).ToList();
        await WorkflowReplayer.ReplayAsync<EchoLoopChangedAtTheEndWorkflow>(firstPage[..(firstPage.FindLastIndex(e => e.EventType == EventTypes.WorkflowTaskStarted) + 1)]);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Download_EnginePageWithAGap_OrRefusedMidway_FailsInsteadOfWritingAShortFile()
    {
        var events = EchoLoopHistory(Steps);
        Serve(events.Where(e => e.EventId != 1500).ToList());

        var gap = await Assert.ThrowsAsync<HistoryDownloadException>(DownloadAsync);
        Assert.Contains("where event 1500 belongs", gap.Message, StringComparison.Ordinal);

        Serve(events, offset => offset == 2 * EnginePage ? (HttpStatusCode.InternalServerError, """{"title":"Internal Server Error"}""") : null);

        var refused = await Assert.ThrowsAsync<HistoryDownloadException>(DownloadAsync);
        Assert.Contains("500", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("order-42", "r-1", "order-42.r-1.history.json")]
    [InlineData("a/b c\"d", "r", "a_b_c_d.r.history.json")]
    [InlineData("../etc", "r", "_etc.r.history.json")]
    public void FileName_KeepsOnlySafeCharacters(string workflowId, string runId, string expected)
        => Assert.Equal(expected, HistoryDownload.FileName(workflowId, runId));
}
