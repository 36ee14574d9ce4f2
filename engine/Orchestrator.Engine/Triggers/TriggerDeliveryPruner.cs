using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Triggers;

/// <summary>
/// Deletes triggers' claims on events older than <see cref="EngineSettings.TriggerDeduplicationWindow"/>, in batches,
/// every few minutes, so <c>trigger_deliveries</c> does not grow for good. Any engine may prune; deleting a row twice is harmless.
/// </summary>
internal sealed class TriggerDeliveryPruner(TriggerStore store, EngineSettings settings, ILogger<TriggerDeliveryPruner> logger) : BackgroundService
{
    public const int BatchSize = 5000;

    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>One pass: deletes every claim older than the window (batch by batch); how many it deleted.</summary>
    public async Task<long> PruneAsync(CancellationToken ct)
    {
        if (settings.TriggerDeduplicationWindow <= TimeSpan.Zero)
        {
            return 0;
        }
        var before = settings.UtcNow() - settings.TriggerDeduplicationWindow;
        long total = 0;
        int deleted;
        do
        {
            deleted = await store.PruneDeliveriesAsync(before, BatchSize, ct);
            total += deleted;
        }
        while (deleted == BatchSize);
        if (total > 0)
        {
            Log.TriggerDeliveriesPruned(logger, total, settings.TriggerDeduplicationWindow);
        }
        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.TriggerPruneFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
