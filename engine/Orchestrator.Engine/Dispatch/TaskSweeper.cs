namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Finds what is due in PostgreSQL and acts on it: workflow tasks and activity attempts whose answer did not
/// come in time (a lost message, a dead worker) or whose retry back-off ended, and durable timers. Safe with
/// several engines: each item is re-checked under its run's lock, so it is acted on once.
/// </summary>
/// <remarks>
/// Every item is handled on its own: one that fails is logged with its run and put aside (<see cref="SweepBackOff"/>)
/// while the others of the pass go on.
/// </remarks>
internal sealed class TaskSweeper(Persistence.DispatchStore store, TaskAnswerHandler handler, WorkflowEngine engine, TimerWakeup wakeup,
    EngineSettings settings, ILogger<TaskSweeper> logger)
    : BackgroundService
{
    private const char WorkflowTask = 'w';
    private const char Activity = 'a';
    private const char Timers = 't';
    private const char ChildNotice = 'c';

    private readonly SweepBackOff _backOff = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(SweepTasksAsync(stoppingToken), FireTimersAsync(stoppingToken));

    private async Task SweepTasksAsync(CancellationToken ct)
    {
        var limit = settings.SweepBatchSize;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.SweepInterval, ct);
                var now = settings.UtcNow();
                foreach (var runId in await store.DueWorkflowTasksAsync(now, limit, now - settings.ResendUnsentWorkflowTaskAfter, _backOff.PutAside(WorkflowTask, now).RunIds))
                {
                    await HandleAsync(WorkflowTask, runId, 0, "workflow task", () => handler.DispatchDueWorkflowTaskAsync(runId), ct);
                }
                var (asideRuns, asideIds) = _backOff.PutAside(Activity, now);
                foreach (var (runId, scheduledEventId) in await store.DueActivityTasksAsync(now, limit, asideRuns, asideIds))
                {
                    await HandleAsync(Activity, runId, scheduledEventId, $"activity {scheduledEventId}",
                        () => handler.DispatchDueActivityAsync(runId, scheduledEventId), ct);
                }
                foreach (var childRunId in await store.UnnotifiedChildrenAsync(limit, _backOff.PutAside(ChildNotice, now).RunIds))
                {
                    await HandleAsync(ChildNotice, childRunId, 0, "close notice to its parent", async () =>
                    {
                        if (await engine.History.GetRunAsync(childRunId) is { ParentRunId: { } parent })
                        {
                            await engine.NotifyParentAsync(parent, childRunId);
                        }
                    }, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.SweepFailed(logger, e); // a candidate query failed (PostgreSQL unreachable): the next pass tries again
            }
        }
    }

    /// <summary>Handles one item; a failure is logged and puts the item aside. Returns whether it succeeded.</summary>
    private async Task<bool> HandleAsync(char kind, Guid runId, long id, string what, Func<Task> handle, CancellationToken ct)
    {
        try
        {
            await handle();
            _backOff.Succeeded(kind, runId, id);
            return true;
        }
        catch (Exception e) when (!(e is OperationCanceledException && ct.IsCancellationRequested))
        {
            var (failures, retryIn) = _backOff.Failed(kind, runId, id, settings.UtcNow());
            Log.SweepItemFailed(logger, what, runId, failures, retryIn, e);
            return false;
        }
    }

    private async Task FireTimersAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                // Each run's due timers fire together in one transaction; runs in random order so that two engines
                // mostly take different runs (a run taken twice is harmless: the second finds its timers gone).
                var now = settings.UtcNow();
                var aside = _backOff.PutAside(Timers, now).RunIds;
                var due = (await store.DueTimerRunsAsync(now, settings.SweepBatchSize, aside)).ToArray();
                if (due.Length > 0)
                {
                    Random.Shared.Shuffle(due);
                    var fired = 0;
                    await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (runId, _) =>
                    {
                        var any = false;
                        if (await HandleAsync(Timers, runId, 0, "due timers", async () => any = await handler.FireDueTimersAsync(runId), ct) && any)
                        {
                            Interlocked.Increment(ref fired);
                        }
                    });
                    if (fired > 0)
                    {
                        continue; // more may be due: look again at once
                    }
                }
                // nothing fired: wait for the next timer (those put aside wait for their back-off), at most a poll interval
                var next = await store.NextTimerDueAsync(_backOff.PutAside(Timers, settings.UtcNow()).RunIds);
                if (_backOff.NextRetry(Timers, settings.UtcNow()) is { } retry && (next is null || retry < next))
                {
                    next = retry;
                }
                var wait = next is { } at ? at - settings.UtcNow() : settings.TimerPollInterval;
                wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > settings.TimerPollInterval ? settings.TimerPollInterval : wait;
                if (due.Length > 0 && wait < settings.TimerPollInterval / 4)
                {
                    wait = settings.TimerPollInterval / 4; // due runs that fired nothing (another engine took them): no busy loop
                }
                wakeup.SetNextLook(settings.UtcNow() + wait);
                await wakeup.WaitAsync(wait, ct);
                wakeup.SetNextLook(DateTime.MaxValue);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.SweepFailed(logger, e);
                await Task.Delay(settings.TimerPollInterval, CancellationToken.None);
            }
        }
    }
}
