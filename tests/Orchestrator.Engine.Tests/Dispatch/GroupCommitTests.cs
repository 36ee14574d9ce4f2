using System.Diagnostics.Metrics;
using Dapper;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Tests.Dispatch;

/// <summary>
/// Group commit: answers for many runs applied in one transaction give each run exactly what it would get alone; a run
/// whose decision is empty keeps what it had; a batch that fails is applied answer by answer.
/// </summary>
public sealed class GroupCommitTests
{
    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ManyConcurrentAnswers_AreCommittedInGroups_AndEachRunGetsItsOwnEvents()
    {
        await using var engine = await InProcessEngine.StartAsync(s => s.GroupCommitWriters = 1);
        var runs = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            runs.Add(await EngineDriver.StartAsync(engine, $"group-{i}"));
        }
        var tasks = new List<(long, int)>();
        foreach (var run in runs)
        {
            tasks.Add(await EngineDriver.OpenTaskAsync(engine, run));
        }
        var batches = new List<int>();
        using var listener = ListenToBatches(engine, batches);

        var handler = engine.Get<TaskAnswerHandler>();
        await Task.WhenAll(runs.Select((run, i) => handler.HandleAsync(new WorkflowTaskCompletedMessage(run, tasks[i].Item1, tasks[i].Item2,
            [new StartTimerCommand(1, TimeSpan.FromMinutes(10 + i))], "test"))));

        lock (batches)
        {
            Assert.Contains(batches, b => b > 1);
        }
        for (var i = 0; i < runs.Count; i++)
        {
            var history = await EngineDriver.HistoryAsync(engine, runs[i]);
            Assert.Equal(["WorkflowStarted", "WorkflowTaskScheduled", "WorkflowTaskStarted", "WorkflowTaskCompleted", "TimerStarted"], history.Select(e => e.Type));
            Assert.Contains($"\"duration\":\"00:{10 + i}:00\"", Assert.Single(history, e => e.Type == "TimerStarted").Attributes);
        }
        await using var connection = engine.Connect();
        Assert.Equal(40, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM timers"));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task StaleAnswerInABatch_LeavesItsRunsBufferedSignal_WhileTheOthersCommit()
    {
        await using var engine = await InProcessEngine.StartAsync();
        var stale = await EngineDriver.StartAsync(engine, "group-stale");
        var other = await EngineDriver.StartAsync(engine, "group-other");
        Assert.True(await engine.Get<WorkflowEngine>().SignalAsync("group-stale", "go", null)); // the task is out: the signal is buffered
        var (staleTask, _) = await EngineDriver.OpenTaskAsync(engine, stale);
        var (otherTask, otherAttempt) = await EngineDriver.OpenTaskAsync(engine, other);
        var historyBefore = await EngineDriver.HistoryAsync(engine, stale);

        var outcomes = await engine.Get<RunShell>().ExecuteBatchAsync(Sorted(
            (stale, new WorkflowTaskCompletedTrigger(new WorkflowTaskCompletedMessage(stale, staleTask + 100, 1, [new CompleteWorkflowCommand(null)], "test"))),
            (other, new WorkflowTaskCompletedTrigger(new WorkflowTaskCompletedMessage(other, otherTask, otherAttempt, [new CompleteWorkflowCommand(null)], "test")))));

        Assert.Equal(RunOutcome.Unchanged, outcomes[Index(stale, other, stale)]);
        Assert.Equal(RunOutcome.Changed, outcomes[Index(stale, other, other)]);
        await using var connection = engine.Connect();
        Assert.Equal("Completed", await connection.ExecuteScalarAsync<string>("SELECT status FROM workflow_runs WHERE run_id = @other", new { other }));
        Assert.Equal("Running", await connection.ExecuteScalarAsync<string>("SELECT status FROM workflow_runs WHERE run_id = @stale", new { stale }));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM buffered_events WHERE run_id = @stale", new { stale }));
        Assert.Equal(historyBefore.Count, (await EngineDriver.HistoryAsync(engine, stale)).Count);

        // the right answer then gets the signal into the history (and, as the code has not seen it, a new workflow task)
        await EngineDriver.AnswerAsync(engine, stale, new CompleteWorkflowCommand(null));
        var history = await EngineDriver.HistoryAsync(engine, stale);
        Assert.Equal(["SignalReceived", "WorkflowTaskScheduled"], history.TakeLast(2).Select(e => e.Type));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task BatchThatFails_RollsBackWhole_ThenEachAnswerIsAppliedAlone()
    {
        await using var engine = await InProcessEngine.StartAsync(s => s.GroupCommitWriters = 1);
        var first = await EngineDriver.StartAsync(engine, "group-fail-a");
        var second = await EngineDriver.StartAsync(engine, "group-fail-b");
        var blocker = await EngineDriver.StartAsync(engine, "group-fail-blocker");
        var (firstTask, firstAttempt) = await EngineDriver.OpenTaskAsync(engine, first);
        var (secondTask, secondAttempt) = await EngineDriver.OpenTaskAsync(engine, second);
        var (blockerTask, blockerAttempt) = await EngineDriver.OpenTaskAsync(engine, blocker);
        var batches = new List<int>();
        using var listener = ListenToBatches(engine, batches);
        WorkflowTaskCompletedMessage StartsChild(Guid run, long task, int attempt) =>
            new(run, task, attempt, [new StartChildWorkflowCommand(1, "Child", "group-fail-child", null, null)], "test");

        // both answers start a child with one workflow id: each alone is fine (the second records ChildWorkflowFailed), in
        // one transaction the second insert breaks the unique open id
        var direct = await Assert.ThrowsAsync<WorkflowAlreadyRunningException>(() => engine.Get<RunShell>().ExecuteBatchAsync(Sorted(
            (first, new WorkflowTaskCompletedTrigger(StartsChild(first, firstTask, firstAttempt))),
            (second, new WorkflowTaskCompletedTrigger(StartsChild(second, secondTask, secondAttempt))))));
        Assert.Contains("group-fail-child", direct.Message);
        await using (var connection = engine.Connect())
        {
            Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM workflow_runs WHERE workflow_id = 'group-fail-child'"));
        }

        // through group commit: the one writer is held on the blocker's lock while the two answers queue behind it
        Task<RunOutcome> blocked;
        await using (var holder = engine.Connect())
        {
            await holder.OpenAsync();
            await using var tx = await holder.BeginTransactionAsync();
            await holder.ExecuteAsync("SELECT 1 FROM workflow_runs WHERE run_id = @blocker FOR UPDATE", new { blocker }, tx);
            var group = engine.Get<GroupCommit>();
            blocked = group.ExecuteAsync(blocker, new WorkflowTaskCompletedTrigger(new WorkflowTaskCompletedMessage(blocker, blockerTask, blockerAttempt,
                [new CompleteWorkflowCommand(null)], "test")));
            await Task.Delay(300);
            var a = group.ExecuteAsync(first, new WorkflowTaskCompletedTrigger(StartsChild(first, firstTask, firstAttempt)));
            var b = group.ExecuteAsync(second, new WorkflowTaskCompletedTrigger(StartsChild(second, secondTask, secondAttempt)));
            await tx.RollbackAsync();
            Assert.Equal(RunOutcome.Changed, await blocked);
            Assert.Equal(new[] { RunOutcome.Changed, RunOutcome.Changed }, await Task.WhenAll(a, b));
        }
        var firstHistory = await EngineDriver.HistoryAsync(engine, first);
        var secondHistory = await EngineDriver.HistoryAsync(engine, second);
        // exactly one of them started the child; the other was told it is already open
        Assert.Single(new[] { firstHistory, secondHistory }, h => !h.Any(e => e.Type == "ChildWorkflowFailed"));
        await using (var connection = engine.Connect())
        {
            Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM workflow_runs WHERE workflow_id = 'group-fail-child'"));
        }
        lock (batches)
        {
            Assert.DoesNotContain(batches, b => b > 1); // the batch of two did not commit
        }
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ParentClosingInABatch_WithItsChildsContinueAsNewAfterIt_RollsTheBatchBack_AndAloneTheNextRunGetsTheCancel()
    {
        await using var engine = await InProcessEngine.StartAsync();
        var parent = await EngineDriver.StartAsync(engine, "group-parent");
        await EngineDriver.AnswerAsync(engine, parent,
            new StartChildWorkflowCommand(1, "Child", "group-parent-child", null, null, "RequestCancel"));
        await using var connection = engine.Connect();
        var child = await connection.ExecuteScalarAsync<Guid>("SELECT run_id FROM workflow_runs WHERE workflow_id = 'group-parent-child'");
        Assert.True(await engine.Get<WorkflowEngine>().SignalAsync("group-parent", "finish", null)); // the parent's next task
        await EngineDriver.WaitUntilAsync(async () => await connection.ExecuteScalarAsync<string>(
            "SELECT state FROM workflow_tasks WHERE run_id = @parent", new { parent }) == "dispatched", TimeSpan.FromSeconds(15), "the parent's next task");
        var (parentTask, parentAttempt) = await EngineDriver.OpenTaskAsync(engine, parent);
        var (childTask, childAttempt) = await EngineDriver.OpenTaskAsync(engine, child);
        RunTrigger ParentCompletes() => new WorkflowTaskCompletedTrigger(new WorkflowTaskCompletedMessage(parent, parentTask, parentAttempt,
            [new CompleteWorkflowCommand(null)], "test"));
        RunTrigger ChildContinues() => new WorkflowTaskCompletedTrigger(new WorkflowTaskCompletedMessage(child, childTask, childAttempt,
            [new ContinueAsNewCommand(null)], "test"));

        // the parent first: its close policy asks the child to cancel, and the child's continue-as-new, decided before that,
        // would hand nothing on; so the batch rolls back whole
        await Assert.ThrowsAsync<GroupCommitConflictException>(() => engine.Get<RunShell>().ExecuteBatchAsync([(parent, ParentCompletes()), (child, ChildContinues())]));
        Assert.Equal(2, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM workflow_runs WHERE status = 'Running'"));

        // alone, in the same order (what the fallback does): the child's open run, whichever it is, has the cancel request
        // (here the continue-as-new is refused: the request arrived while its task was out, so the code must see it first)
        await engine.Get<RunShell>().ExecuteAsync(parent, ParentCompletes());
        await engine.Get<RunShell>().ExecuteAsync(child, ChildContinues());
        Assert.Equal("Completed", await connection.ExecuteScalarAsync<string>("SELECT status FROM workflow_runs WHERE run_id = @parent", new { parent }));
        var open = await connection.QuerySingleAsync<(Guid RunId, bool CancelRequested)>(
            "SELECT run_id, cancel_requested FROM workflow_runs WHERE workflow_id = 'group-parent-child' AND status = 'Running'");
        Assert.True(open.CancelRequested);
    }

    private static (Guid, RunTrigger)[] Sorted(params (Guid RunId, RunTrigger Trigger)[] items) => items.OrderBy(i => i.RunId).ToArray();

    private static int Index(Guid a, Guid b, Guid which) => (a.CompareTo(b) < 0 ? [a, b] : new[] { b, a }).ToList().IndexOf(which);

    private static MeterListener ListenToBatches(InProcessEngine engine, List<int> batches)
    {
        var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            var factory = engine.Get<IMeterFactory>();
            if (instrument.Meter.Scope == factory && instrument.Meter.Name == EngineTelemetry.Name && instrument.Name == "orchestrator.group_commit.runs")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            lock (batches)
            {
                batches.Add(value);
            }
        });
        listener.Start();
        return listener;
    }
}
