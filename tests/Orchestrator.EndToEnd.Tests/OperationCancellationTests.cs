using System.Text.Json;
using Orchestrator.Contracts.History;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// Canceling one operation, against a real engine and worker (processes): an activity raced against a 1 s timer and
/// canceled with each cancellation type (the activity sees the request through its token for TryCancel and
/// WaitCancellationCompleted, and history shows what the type promises), and a child canceled by its parent closes Canceled.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class OperationCancellationTests : IAsyncLifetime
{
    private Cluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await Cluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<(JsonElement Closed, List<HistoryEvent> History)> RunAsync(string type)
    {
        var id = await _cluster.StartWorkflowAsync("ChargeWithTimeoutWorkflow", new { cancellationType = type, chargeMilliseconds = 3_000 }, NewId("charge"));
        var closed = await _cluster.WaitClosedAsync(id);
        Assert.True(closed.GetProperty("status").GetString() == "Completed", $"{id}: {closed}\n{_cluster.Logs()}");
        return (closed, (await _cluster.HistoryAsync(id)).ToList());
    }

    private static List<string> Types(List<HistoryEvent> history) => history.Select(e => e.EventType).ToList();

    [Theory(Timeout = TestTimeouts.EndToEnd)]
    [InlineData("TryCancel")]
    [InlineData("WaitCancellationCompleted")]
    public async Task ACanceledActivity_SeesTheRequestThroughItsToken_AndClosesCanceled_ItsResultNeverRecorded(string type)
    {
        var (closed, history) = await RunAsync(type);

        Assert.Equal("canceled", closed.GetProperty("result").GetString());
        var types = Types(history);
        var requested = types.IndexOf(EventTypes.ActivityCancelRequested);
        var canceled = types.IndexOf(EventTypes.ActivityCanceled);
        Assert.True(requested > types.IndexOf(EventTypes.TimerFired) && canceled > requested, string.Join(", ", types));
        // the token was canceled and the activity stopped on it: the worker reported it so (not a late result, not a timeout)
        Assert.Equal("The activity acknowledged the cancel request.", history[canceled].Attributes.GetProperty("detail").GetString());
        Assert.DoesNotContain(EventTypes.ActivityCompleted, types);
        Assert.Single(history, e => e.EventType == EventTypes.ActivityScheduled); // never retried
        if (type == "WaitCancellationCompleted")
        {
            // the code went on only after the activity closed: its next timer starts after ActivityCanceled
            Assert.True(types.LastIndexOf(EventTypes.TimerStarted) > canceled, string.Join(", ", types));
        }
        else
        {
            // the code went on at once: its next timer starts with the request, before the activity closed
            Assert.True(types.LastIndexOf(EventTypes.TimerStarted) < canceled, string.Join(", ", types));
        }
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task AnAbandonedActivity_IsNotTold_AndRunsToItsResult_WhichIsRecordedAndIgnored()
    {
        var (closed, history) = await RunAsync("Abandon");

        Assert.Equal("canceled", closed.GetProperty("result").GetString());
        var types = Types(history);
        Assert.DoesNotContain(EventTypes.ActivityCancelRequested, types);
        Assert.DoesNotContain(EventTypes.ActivityCanceled, types);
        var completed = Assert.Single(history, e => e.EventType == EventTypes.ActivityCompleted);
        Assert.Equal("charged", completed.Attributes.GetProperty("result").GetString());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task AChildCanceledByItsParent_ClosesCanceled_AndTheParentSeesIt()
    {
        var childId = NewId("child");
        var parent = await _cluster.StartWorkflowAsync("CancelChildWorkflow", childId, NewId("parent"));

        var closed = await _cluster.WaitClosedAsync(parent);

        Assert.True(closed.GetProperty("result").GetString() == "child canceled", $"{closed}\n{_cluster.Logs()}");
        Assert.Equal("Canceled", (await _cluster.WaitClosedAsync(childId)).GetProperty("status").GetString());
        var types = Types((await _cluster.HistoryAsync(parent)).ToList());
        Assert.True(types.IndexOf(EventTypes.ExternalCancelRequested) < types.IndexOf(EventTypes.ChildWorkflowFailed), string.Join(", ", types));
        Assert.Contains(await _cluster.HistoryAsync(childId), e => e.EventType == EventTypes.WorkflowCancelRequested);
    }
}
