using Dapper;
using Npgsql;
using Orchestrator.Contracts.History;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// Workflow to workflow, against a real engine and worker (processes): a workflow signals another, which completes with
/// the value; a signal to a missing id raises in the workflow; a cancel request closes the other Canceled; an engine
/// killed while it delivers a recorded signal delivers it once after its restart.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ExternalWorkflowTests : IAsyncLifetime
{
    private Cluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await Cluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private static string NewId(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static string Status(System.Text.Json.JsonElement described) => described.GetProperty("status").GetString()!;

    private static string? Result(System.Text.Json.JsonElement described) => described.GetProperty("result").GetString();

    private async Task<int> CountAsync(string workflowId, string eventType) =>
        (await _cluster.HistoryAsync(workflowId)).Count(e => e.EventType == eventType);

    private async Task WaitForEventAsync(string workflowId, string eventType)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await CountAsync(workflowId, eventType) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{workflowId} has no {eventType}.\n{_cluster.Logs()}");
            await Task.Delay(50);
        }
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task AWorkflowSignalsAnother_WhichCompletesWithTheValue_AndBothHistoriesSaySo()
    {
        var receiver = await _cluster.StartWorkflowAsync("PaymentReceiverWorkflow", null, NewId("receiver"));
        var sender = await _cluster.StartWorkflowAsync("SignalOtherWorkflow", new { targetId = receiver, value = "r-1" }, NewId("sender"));

        Assert.Equal("sent", Result(await _cluster.WaitClosedAsync(sender)));
        Assert.Equal("paid r-1", Result(await _cluster.WaitClosedAsync(receiver)));
        var sent = (await _cluster.HistoryAsync(sender)).Select(e => e.EventType).ToList();
        Assert.True(sent.IndexOf(EventTypes.ExternalSignalRequested) < sent.IndexOf(EventTypes.ExternalSignalCompleted), string.Join(", ", sent));
        Assert.Equal(1, await CountAsync(receiver, EventTypes.SignalReceived));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ASignalToAMissingWorkflow_RaisesInTheWorkflow_WhichCatchesIt()
    {
        var missing = NewId("nobody");
        var sender = await _cluster.StartWorkflowAsync("SignalOtherWorkflow", new { targetId = missing, value = "r-1" }, NewId("sender"));

        var closed = await _cluster.WaitClosedAsync(sender);

        Assert.Equal("Completed", Status(closed));
        Assert.Equal("not found: " + missing, Result(closed));
        var failed = Assert.Single(await _cluster.HistoryAsync(sender), e => e.EventType == EventTypes.ExternalSignalFailed);
        Assert.Equal("WorkflowNotFound", failed.Attributes.GetProperty("failure").GetProperty("type").GetString());
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ACancelRequest_ClosesTheOtherCanceled()
    {
        var target = await _cluster.StartWorkflowAsync("WaitForeverWorkflow", null, NewId("target"));
        var canceller = await _cluster.StartWorkflowAsync("CancelOtherWorkflow", new { targetId = target }, NewId("canceller"));

        Assert.Equal("asked", Result(await _cluster.WaitClosedAsync(canceller)));
        Assert.Equal("Canceled", Status(await _cluster.WaitClosedAsync(target)));
        var request = Assert.Single(await _cluster.HistoryAsync(target), e => e.EventType == EventTypes.WorkflowCancelRequested);
        Assert.Equal("the order was withdrawn", request.Attributes.GetProperty("reason").GetString());
        Assert.Equal(1, await CountAsync(canceller, EventTypes.ExternalCancelCompleted));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task AnEngineKilledWhileItDeliversARecordedSignal_DeliversItOnceAfterItsRestart()
    {
        var receiver = await _cluster.StartWorkflowAsync("PaymentReceiverWorkflow", null, NewId("receiver"));
        await WaitForEventAsync(receiver, EventTypes.WorkflowTaskCompleted);

        // hold the receiver's run locked: the engine's delivery, after the request is recorded, waits for it
        await using var holder = new NpgsqlConnection(_cluster.Postgres);
        await holder.OpenAsync();
        await using var hold = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("SELECT 1 FROM workflow_runs WHERE workflow_id = @Id AND status = 'Running' FOR UPDATE", new { Id = receiver }, hold);

        var sender = await _cluster.StartWorkflowAsync("SignalOtherWorkflow", new { targetId = receiver, value = "once" }, NewId("sender"));
        await WaitForEventAsync(sender, EventTypes.ExternalSignalRequested);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await holder.ExecuteScalarAsync<int>(
                   "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()", transaction: hold) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the delivery never waited for the receiver's lock");
            await Task.Delay(50);
        }

        _cluster.KillEngine(0);                 // SIGKILL in the middle of the delivery's transaction
        await hold.RollbackAsync();
        await _cluster.RestartEngineAsync(0);

        Assert.Equal("paid once", Result(await _cluster.WaitClosedAsync(receiver)));
        Assert.Equal("sent", Result(await _cluster.WaitClosedAsync(sender)));
        Assert.Equal(1, await CountAsync(receiver, EventTypes.SignalReceived));
        Assert.Equal(1, await CountAsync(sender, EventTypes.ExternalSignalCompleted));
        Assert.Equal(0, await holder.ExecuteScalarAsync<int>("SELECT count(*) FROM external_requests"));
    }
}
