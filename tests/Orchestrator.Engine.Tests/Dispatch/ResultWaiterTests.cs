using System.Net;
using Orchestrator.Engine.Dispatch;

namespace Orchestrator.Engine.Tests.Dispatch;

/// <summary>Long-polls of GET .../result leave nothing behind in <see cref="RunCloseNotifier"/> once they answer.</summary>
public sealed class ResultWaiterTests
{
    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task TenThousandLongPollsOnUnknownIds_LeaveNoWaiters()
    {
        await using var engine = await InProcessEngine.StartAsync();
        var notifier = engine.Get<RunCloseNotifier>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 10_000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            using var response = await engine.Http.GetAsync($"/api/v1/workflows/unknown-{i}/result?waitSeconds=0", ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        });

        Assert.Equal(0, notifier.WaiterCount);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task LongPollThatTimesOutOnAnOpenRun_LeavesNoWaiter()
    {
        await using var engine = await InProcessEngine.StartAsync();
        var notifier = engine.Get<RunCloseNotifier>();
        using var start = await engine.Http.PostAsync("/api/v1/workflows", JsonContent("""{"workflowType":"Nobody","workflowId":"open-1"}"""));
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);

        using var response = await engine.Http.GetAsync("/api/v1/workflows/open-1/result?waitSeconds=1");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(0, notifier.WaiterCount);
    }

    [Fact]
    public void WaitersOfOneId_ShareOneEntry_AndAreAllWokenByItsClose()
    {
        var notifier = new RunCloseNotifier(new EngineSettings());
        using var first = notifier.Watch("wf");
        using var second = notifier.Watch("wf");
        Assert.Equal(1, notifier.WaiterCount);

        notifier.Announced("other-engine c wf");

        Assert.True(first.Closed.IsCompleted);
        Assert.True(second.Closed.IsCompleted);
        Assert.Equal(0, notifier.WaiterCount);
    }

    [Fact]
    public void AnnouncementOfAVeryLongWorkflowId_FitsPgNotify_AndStillWakesItsWaiter()
    {
        var notifier = new RunCloseNotifier(new EngineSettings());
        var id = new string('é', 7_990);
        using var watch = notifier.Watch(id);

        var payload = RunCloseNotifier.Announcement("other-engine", id, followed: false);
        notifier.Announced(payload);

        Assert.True(System.Text.Encoding.UTF8.GetByteCount(payload) < 8000);
        Assert.True(watch.Closed.IsCompleted);
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
