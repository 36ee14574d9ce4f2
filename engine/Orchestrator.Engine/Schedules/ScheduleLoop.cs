using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Schedules;

/// <summary>
/// Every engine runs this loop: it reads the due schedules, and steps each until it has nothing left to do; then it
/// sleeps until the next fire time (at most <see cref="PollInterval"/>, the bound for a schedule another engine changed),
/// or until this engine changes a schedule (<see cref="Wake"/>). Two engines may read the same candidates: each step
/// locks its schedule with SKIP LOCKED and re-checks it, so a time fires once.
/// </summary>
internal sealed class ScheduleLoop(ScheduleStore store, ScheduleFirer firer, EngineSettings settings, ILogger<ScheduleLoop> logger) : BackgroundService
{
    /// <summary>Longest sleep between two looks.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Most steps of one schedule in one look (a long backfill or catch-up yields to the others).</summary>
    private const int MaxStepsPerLook = 200;

    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>A schedule of this engine changed (created, unpaused, backfilled): look now.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var due = (await store.DueAsync(settings.UtcNow(), settings.SweepBatchSize, stoppingToken)).ToArray();
                Random.Shared.Shuffle(due); // two engines mostly take different schedules first
                foreach (var scheduleId in due)
                {
                    try
                    {
                        for (var i = 0; i < MaxStepsPerLook && await firer.StepAsync(scheduleId); i++)
                        {
                        }
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        Log.ScheduleStepFailed(logger, scheduleId, e);
                    }
                }
                var next = await store.NextFireAsync(stoppingToken);
                var wait = next is { } at ? at - settings.UtcNow() : PollInterval;
                wait = wait < TimeSpan.FromMilliseconds(50) ? TimeSpan.FromMilliseconds(50) : wait > PollInterval ? PollInterval : wait;
                await _wake.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.ScheduleLoopFailed(logger, e);
                await Task.Delay(PollInterval, CancellationToken.None);
            }
        }
    }
}
