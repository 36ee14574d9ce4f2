using System.Net;
using Orchestrator.Dashboard.History;

namespace Orchestrator.Dashboard.Tests;

public sealed class HistoryFeedTests
{
    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task RefreshAsync_PagesThenNewEvents_ReadsAllPagesThenOnlyTheLastPageAgain()
    {
        var all = Histories.Long(5);
        var visible = 4;
        var engine = new StubEngine
        {
            Respond = request => request.RequestUri!.Query.Contains("pageToken=p2", StringComparison.Ordinal)
                ? (HttpStatusCode.OK, Histories.Page(all.Skip(2).Take(visible - 2)))
                : (HttpStatusCode.OK, Histories.Page(all.Take(2), "p2")),
        };
        var feed = new HistoryFeed("wf", "run-1");

        var first = await feed.RefreshAsync(engine.CreateClient(), CancellationToken.None);
        visible = 5;
        var second = await feed.RefreshAsync(engine.CreateClient(), CancellationToken.None);

        Assert.Equal((4, null), first);
        Assert.Equal((1, null), second);
        Assert.Equal([1L, 2, 3, 4, 5], feed.Events.Select(e => e.EventId));
        Assert.Equal(
            ["/api/v1/workflows/wf/history?runId=run-1&pageSize=1000", "/api/v1/workflows/wf/history?runId=run-1&pageSize=1000&pageToken=p2",
             "/api/v1/workflows/wf/history?runId=run-1&pageSize=1000&pageToken=p2"],
            engine.Requests.Select(r => r.PathAndQuery));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task RefreshAsync_EngineDown_ReturnsErrorText()
    {
        var engine = new StubEngine { Respond = _ => (HttpStatusCode.Unauthorized, "") };
        var feed = new HistoryFeed("wf", "run-1");

        var (added, error) = await feed.RefreshAsync(engine.CreateClient(), CancellationToken.None);

        Assert.Equal(0, added);
        Assert.Equal("401 Unauthorized", error);
    }
}
