using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.External;

/// <summary>
/// Delivers the requests of runs to other workflows (<see cref="RunShell.DeliverExternalAsync"/>): those this engine just
/// committed at once, and, every sweep interval, every request due in the table (left by a crash of any engine, or
/// postponed after a failed attempt). Two engines may try one request; the row lock lets one deliver it.
/// </summary>
internal sealed class ExternalRequestDeliverer(ExternalRequestQueue queue, ExternalRequestStore store, RunShell shell, EngineSettings settings,
    ILogger<ExternalRequestDeliverer> logger) : BackgroundService
{
    /// <summary>Most due requests taken in one look.</summary>
    private const int DueBatch = 100;

    /// <summary>Longest wait before a failed delivery is tried again.</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(DeliverCommittedAsync(stoppingToken), DeliverDueAsync(stoppingToken));

    private async Task DeliverCommittedAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var (runId, seq) in queue.Reader.ReadAllAsync(ct))
            {
                await DeliverAsync(runId, seq, attempts: 0, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverDueAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(settings.SweepInterval, ct);
                foreach (var (runId, seq, attempts) in await store.DueAsync(settings.UtcNow(), DueBatch, ct))
                {
                    await DeliverAsync(runId, seq, attempts + 1, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.ExternalRequestSweepFailed(logger, settings.UtcNow() + settings.SweepInterval, e); // PostgreSQL away: the next look
            }
        }
    }

    private async Task DeliverAsync(Guid runId, int seq, int attempts, CancellationToken ct)
    {
        try
        {
            await shell.DeliverExternalAsync(runId, seq);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, TimeSpan.FromSeconds(1).Ticks << Math.Min(attempts, 5)));
            var dueAt = settings.UtcNow() + delay;
            Log.ExternalRequestDeliveryFailed(logger, runId, seq, dueAt, e);
            try
            {
                await store.PostponeAsync(runId, seq, dueAt, ct);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // PostgreSQL away: the row is due already, the next look tries again
            }
        }
    }
}
