namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Finds what is due in PostgreSQL and acts on it: workflow tasks and activity attempts whose answer did not
/// come in time (a lost message, a dead worker) or whose retry back-off ended, and durable timers. Safe with
/// several engines: each item is re-checked under its run's lock, so it is acted on once.
/// </summary>
internal sealed class TaskSweeper(Persistence.DispatchStore store, TaskAnswerHandler handler, WorkflowEngine engine, TimerWakeup wakeup,
    EngineSettings settings, ILogger<TaskSweeper> logger)
    : BackgroundService
{
    private const int Limit = 200;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(SweepTasksAsync(stoppingToken), FireTimersAsync(stoppingToken));

    private async Task SweepTasksAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.SweepInterval, ct);
                foreach (var runId in await store.DueWorkflowTasksAsync(settings.UtcNow(), Limit))
                {
                    await handler.DispatchDueWorkflowTaskAsync(runId);
                }
                foreach (var (runId, scheduledEventId) in await store.DueActivityTasksAsync(settings.UtcNow(), Limit))
                {
                    await handler.DispatchDueActivityAsync(runId, scheduledEventId);
                }
                foreach (var childRunId in await store.UnnotifiedChildrenAsync(Limit))
                {
                    if (await engine.History.GetRunAsync(childRunId) is { ParentRunId: { } parent })
                    {
                        await engine.NotifyParentAsync(parent, childRunId);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.SweepFailed(logger, e);
            }
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
                var due = (await store.DueTimerRunsAsync(settings.UtcNow(), Limit)).ToArray();
                if (due.Length > 0)
                {
                    Random.Shared.Shuffle(due);
                    await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
                        async (runId, _) => await handler.FireDueTimersAsync(runId));
                    continue;
                }
                var next = await store.NextTimerDueAsync();
                var wait = next is { } at ? at - settings.UtcNow() : settings.TimerPollInterval;
                wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > settings.TimerPollInterval ? settings.TimerPollInterval : wait;
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
