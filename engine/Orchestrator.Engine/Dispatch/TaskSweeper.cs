namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Finds what is due in PostgreSQL and acts on it: workflow tasks and activity attempts whose answer did not
/// come in time (a lost message, a dead worker) or whose retry back-off ended, and durable timers. Safe with
/// several engines: each item is re-checked under its run's lock, so it is acted on once.
/// </summary>
internal sealed class TaskSweeper(Persistence.DispatchStore store, TaskAnswerHandler handler, EngineSettings settings, ILogger<TaskSweeper> logger)
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
                foreach (var runId in await store.DueWorkflowTasksAsync(Limit))
                {
                    await handler.DispatchDueWorkflowTaskAsync(runId);
                }
                foreach (var (runId, scheduledEventId) in await store.DueActivityTasksAsync(Limit))
                {
                    await handler.DispatchDueActivityAsync(runId, scheduledEventId);
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
                var due = await store.DueTimersAsync(Limit * 5);
                if (due.Count > 0)
                {
                    await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
                        async (timer, _) => await handler.FireTimerAsync(timer.RunId, timer.TimerKey));
                    continue;
                }
                var next = await store.NextTimerDueAsync();
                var wait = next is { } at ? at - DateTime.UtcNow : settings.TimerPollInterval;
                await Task.Delay(wait < TimeSpan.Zero ? TimeSpan.Zero : wait > settings.TimerPollInterval ? settings.TimerPollInterval : wait, ct);
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
