using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Orchestrator.Contracts.Commands;
using Orchestrator.Engine.Batches;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Tests.Dispatch;

namespace Orchestrator.Engine.Tests.Batches;

/// <summary>One engine (no worker: the runs stay open) for the batch progress tests; each test uses workflow types of its own.</summary>
public sealed class BatchEngineFixture : IAsyncLifetime
{
    internal InProcessEngine Engine { get; private set; } = null!;

    public async Task InitializeAsync() => Engine = await InProcessEngine.StartAsync();

    public async Task DisposeAsync() => await Engine.DisposeAsync();
}

/// <summary>
/// Batches against PostgreSQL through the REST API: the targets are the open runs matching the query when the batch is
/// created; each is acted on once, through the same decider triggers as the REST calls; progress and failures are
/// counted; the rate is kept; a canceled batch acts on nothing more.
/// </summary>
public sealed class BatchProgressTests(BatchEngineFixture fixture) : IClassFixture<BatchEngineFixture>
{
    private InProcessEngine Engine => fixture.Engine;

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Terminate_ActsOnTheOpenRunsMatchingTheQuery_Once_AndNotOnRunsStartedLater()
    {
        var targets = await BatchKit.StartRunsAsync(Engine, "TermA", "term-a", 30);
        var closed = await BatchKit.StartRunsAsync(Engine, "TermA", "term-a-closed", 2);
        foreach (var i in Enumerable.Range(0, 2))
        {
            Assert.Equal(HttpStatusCode.Accepted, (await Engine.Http.PostAsJsonAsync($"/api/v1/workflows/term-a-closed-{i}/terminate", new { reason = "before" })).StatusCode);
        }
        var others = await BatchKit.StartRunsAsync(Engine, "TermB", "term-b", 3);

        var (status, created) = await BatchKit.PostAsync(Engine, new { query = "WorkflowType = 'TermA'", operation = "terminate", reason = "bad deploy", maxPerSecond = 20 });
        Assert.True(status == HttpStatusCode.Created, created.ToString());
        Assert.Equal(30, created.GetProperty("total").GetInt64());
        var id = created.GetProperty("batchId").GetString()!;
        var later = await BatchKit.StartRunsAsync(Engine, "TermA", "term-a-later", 1); // matches the query, started after the batch

        var batch = await BatchKit.WaitClosedAsync(Engine, id);
        Assert.Equal("Completed", batch.GetProperty("state").GetString());
        Assert.Equal((30L, 30L, 0L), (BatchKit.Long(batch, "total"), BatchKit.Long(batch, "done"), BatchKit.Long(batch, "failed")));
        Assert.Equal("terminate", batch.GetProperty("operation").GetString());
        Assert.Equal("bad deploy", batch.GetProperty("reason").GetString());
        Assert.Empty(batch.GetProperty("failures").EnumerateArray());
        Assert.True(batch.TryGetProperty("closedAt", out var closedAt) && closedAt.ValueKind == JsonValueKind.String);

        var terminated = await BatchKit.EventCountsAsync(Engine, [.. targets, .. closed, .. others, .. later], "WorkflowTerminated");
        Assert.All(targets, r => Assert.Equal(1, terminated[r]));
        Assert.All(closed, r => Assert.Equal(1, terminated[r])); // terminated before, by the REST call only
        Assert.All(others.Concat(later), r => Assert.Equal(0, terminated[r]));
        var statuses = await BatchKit.StatusesAsync(Engine, [.. others, .. later]);
        Assert.All(statuses.Values, s => Assert.Equal("Running", s));
        var history = await EngineDriver.HistoryAsync(Engine, targets[0]);
        Assert.Equal("WorkflowTerminated", history[^1].Type);
        Assert.Contains("bad deploy", history[^1].Attributes, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Signal_DeliversOneSignalWithItsInputToEachRun()
    {
        var runs = await BatchKit.StartRunsAsync(Engine, "SigA", "sig-a", 25);

        var id = await BatchKit.StartAsync(Engine, new { query = "WorkflowType = 'SigA' AND WorkflowId STARTS_WITH 'sig-a-'", operation = "signal", signalName = "poke", input = new { n = 7 }, maxPerSecond = 1000 });

        var batch = await BatchKit.WaitClosedAsync(Engine, id);
        Assert.Equal(("Completed", 25L, 0L), (batch.GetProperty("state").GetString(), BatchKit.Long(batch, "done"), BatchKit.Long(batch, "failed")));
        Assert.Equal("poke", batch.GetProperty("signalName").GetString());
        Assert.All((await BatchKit.EventCountsAsync(Engine, runs, "SignalReceived")).Values, c => Assert.Equal(1, c));
        await using var connection = Engine.Connect();
        var attributes = await connection.QueryAsync<string>("SELECT attributes::text FROM buffered_events WHERE run_id = ANY(@runs)", new { runs = runs.ToArray() });
        Assert.All(attributes, a => Assert.Contains("\"poke\"", a, StringComparison.Ordinal));
        Assert.All(attributes, a => Assert.Contains("\"n\":7", a.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Cancel_ARunThatClosedMeanwhileIsAFailureWithItsReason_AndTheRestAreDone()
    {
        var runs = await BatchKit.StartRunsAsync(Engine, "CanA", "can-a", 5);
        // oldest first at 2 a second: can-a-4 is reached last, after it was terminated
        var id = await BatchKit.StartAsync(Engine, new { query = "WorkflowType = 'CanA' ORDER BY StartTime ASC", operation = "cancel", maxPerSecond = 2 });
        Assert.Equal(HttpStatusCode.Accepted, (await Engine.Http.PostAsJsonAsync("/api/v1/workflows/can-a-4/terminate", new { reason = "meanwhile" })).StatusCode);

        var batch = await BatchKit.WaitClosedAsync(Engine, id);
        Assert.Equal(("Completed", 4L, 1L), (batch.GetProperty("state").GetString(), BatchKit.Long(batch, "done"), BatchKit.Long(batch, "failed")));
        var failure = Assert.Single(batch.GetProperty("failures").EnumerateArray());
        Assert.Equal("can-a-4", failure.GetProperty("workflowId").GetString());
        Assert.Equal(runs[4].ToString(), failure.GetProperty("runId").GetString());
        Assert.Contains("closed (Terminated)", failure.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var requested = await BatchKit.EventCountsAsync(Engine, runs, "WorkflowCancelRequested");
        Assert.Equal([1, 1, 1, 1, 0], runs.Select(r => requested[r]));
        await using var connection = Engine.Connect();
        var recorded = await connection.QuerySingleAsync<string>("""
            SELECT attributes::text FROM history_events WHERE run_id = @run AND event_type = 'WorkflowCancelRequested'
            UNION ALL SELECT attributes::text FROM buffered_events WHERE run_id = @run AND event_type = 'WorkflowCancelRequested'
            """, new { run = runs[0] });
        Assert.Contains($"batch {id}", recorded, StringComparison.Ordinal); // the default reason
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task CancelBatch_StopsTakingRuns_AndLeavesTheRestAsTheyWere()
    {
        var runs = await BatchKit.StartRunsAsync(Engine, "StopA", "stop-a", 20);
        var id = await BatchKit.StartAsync(Engine, new { query = "WorkflowType = 'StopA'", operation = "terminate", maxPerSecond = 2 });
        await BatchKit.WaitForAsync(Engine, id, b => BatchKit.Long(b, "done") >= 2, "two runs terminated");

        using var response = await Engine.Http.PostAsync(new Uri($"/api/v1/batches/{id}/cancel", UriKind.Relative), null);
        var canceled = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Canceled", canceled.GetProperty("state").GetString());
        var doneAtCancel = BatchKit.Long(canceled, "done");

        await Task.Delay(TimeSpan.FromSeconds(2)); // four more runs' time at the batch's rate: none may be acted on
        var after = await BatchKit.DescribeAsync(Engine, id);
        Assert.Equal(("Canceled", doneAtCancel), (after.GetProperty("state").GetString(), BatchKit.Long(after, "done")));
        Assert.True(doneAtCancel < 20);
        var terminated = (await BatchKit.EventCountsAsync(Engine, runs, "WorkflowTerminated")).Values;
        Assert.Equal(doneAtCancel, terminated.Sum());
        Assert.All(terminated, c => Assert.InRange(c, 0, 1));

        using var again = await Engine.Http.PostAsync(new Uri($"/api/v1/batches/{id}/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode); // canceling a canceled batch answers it again
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task CancelBatch_WhenCompleted_Returns409()
    {
        await BatchKit.StartRunsAsync(Engine, "DoneA", "done-a", 2);
        var id = await BatchKit.StartAsync(Engine, new { query = "WorkflowType = 'DoneA'", operation = "terminate", maxPerSecond = 1000 });
        await BatchKit.WaitClosedAsync(Engine, id);

        using var response = await Engine.Http.PostAsync(new Uri($"/api/v1/batches/{id}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("Completed", (await BatchKit.DescribeAsync(Engine, id)).GetProperty("state").GetString());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Batch_KeepsItsRate()
    {
        await BatchKit.StartRunsAsync(Engine, "RateA", "rate-a", 30);
        var clock = Stopwatch.StartNew();

        var id = await BatchKit.StartAsync(Engine, new { query = "WorkflowType = 'RateA'", operation = "signal", signalName = "tick", maxPerSecond = 10 });
        var batch = await BatchKit.WaitClosedAsync(Engine, id);

        Assert.Equal(30L, BatchKit.Long(batch, "done"));
        // 30 runs at 10 a second: the first at once, the last after 2.9 s
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2.8), $"30 runs at 10/s took only {clock.Elapsed}");
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Batch_WithoutMatchingOpenRuns_IsCompletedAtOnce()
    {
        var id = await BatchKit.StartAsync(Engine, new { query = "WorkflowType = 'NothingLikeThis'", operation = "cancel" });

        var batch = await BatchKit.DescribeAsync(Engine, id);

        Assert.Equal(("Completed", 0L, 0L, 0L), (batch.GetProperty("state").GetString(), BatchKit.Long(batch, "total"), BatchKit.Long(batch, "done"),
            BatchKit.Long(batch, "failed")));
        Assert.Equal(50, batch.GetProperty("maxPerSecond").GetInt32()); // the default rate
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ManyWorkersOnOneBatch_ActOnEachRunOnce()
    {
        // As several engines whose leases overlapped (one stalled past its lease): workers take items of the same batch at
        // once; the item's row lock and its state, checked in the transaction that acts, let exactly one act on each run.
        var runs = await BatchKit.StartRunsAsync(Engine, "ManyA", "many-a", 120);
        var id = await BatchKit.StartAsync(Engine, new { query = "WorkflowType = 'ManyA'", operation = "signal", signalName = "once", maxPerSecond = 1000 });
        var record = (await Engine.Get<BatchStore>().ReadAsync(Guid.Parse(id), 0, CancellationToken.None))!.Value.Batch;

        var executor = Engine.Get<BatchExecutor>();
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => executor.RunAsync(record, CancellationToken.None))));

        var batch = await BatchKit.WaitClosedAsync(Engine, id);
        Assert.Equal(("Completed", 120L, 0L), (batch.GetProperty("state").GetString(), BatchKit.Long(batch, "done"), BatchKit.Long(batch, "failed")));
        var signals = await BatchKit.EventCountsAsync(Engine, runs, "SignalReceived");
        Assert.All(runs, r => Assert.Equal(1, signals[r]));
        await using var connection = Engine.Connect();
        Assert.Equal(120, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM batch_items WHERE batch_id = @id AND state = 'Done'", new { id = Guid.Parse(id) }));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Batch_FollowsARunThatContinuedAsNew_ToItsCurrentRun()
    {
        var filler = await EngineDriver.StartAsync(Engine, "chain-filler", "ChainA");
        var first = await EngineDriver.StartAsync(Engine, "chain-a", "ChainA");
        // oldest first at 1 a second: the filler at once, chain-a a second later, after it continued as new
        var id = await BatchKit.StartAsync(Engine, new { query = "WorkflowType = 'ChainA' ORDER BY StartTime ASC", operation = "terminate", maxPerSecond = 1 });
        await EngineDriver.AnswerAsync(Engine, first, new ContinueAsNewCommand(null));
        await using var connection = Engine.Connect();
        var next = await connection.ExecuteScalarAsync<Guid?>("SELECT next_run_id FROM workflow_runs WHERE run_id = @first", new { first });
        Assert.NotNull(next);

        var batch = await BatchKit.WaitClosedAsync(Engine, id);

        Assert.Equal(("Completed", 2L, 0L), (batch.GetProperty("state").GetString(), BatchKit.Long(batch, "done"), BatchKit.Long(batch, "failed")));
        var statuses = await BatchKit.StatusesAsync(Engine, [filler, first, next.Value]);
        Assert.Equal(["Terminated", "ContinuedAsNew", "Terminated"], new[] { statuses[filler], statuses[first], statuses[next.Value] });
    }
}
