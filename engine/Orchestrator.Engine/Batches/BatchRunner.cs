using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Batches;

/// <summary>
/// Finds running batches and works them (<see cref="BatchExecutor"/>), up to <see cref="BatchSettings.MaxConcurrentBatches"/>
/// at once, each under a lease of this engine (<see cref="BatchStatements.Claim"/>): with several engines a batch is worked
/// by one, at its rate; when that engine dies, its lease runs out and another engine (or it, restarted) goes on where the
/// items stopped. Looks every <see cref="BatchSettings.PollInterval"/>, and at once when a batch is created here.
/// </summary>
internal sealed class BatchRunner(BatchStore store, BatchExecutor executor, BatchSettings settings, EngineSettings engine, ILogger<BatchRunner> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    /// <summary>Batches this engine works now (locked: the loop and <see cref="StopAsync"/> read it).</summary>
    private readonly Dictionary<Guid, Task> _working = [];

    /// <summary>Look for batches now (a batch was created on this engine).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // woken already
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            List<Guid> working;
            lock (_working)
            {
                foreach (var done in _working.Where(w => w.Value.IsCompleted).Select(w => w.Key).ToList())
                {
                    _working.Remove(done);
                }
                working = [.. _working.Keys];
            }
            try
            {
                var free = settings.MaxConcurrentBatches - working.Count;
                if (free > 0)
                {
                    var now = engine.UtcNow();
                    foreach (var batch in await store.ClaimAsync(engine.InstanceId, now, now + settings.LeaseDuration, working, free, stoppingToken))
                    {
                        lock (_working)
                        {
                            _working[batch.BatchId] = WorkAsync(batch, stoppingToken);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                Log.BatchLoopFailed(logger, e);
            }
            try
            {
                await _wake.WaitAsync(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task WorkAsync(BatchRecord batch, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            await executor.RunAsync(batch, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Log.BatchLoopFailed(logger, e); // the lease runs out or is taken again by the next look
        }
    }

    /// <summary>Stops the loop, lets the items in flight commit or roll back, and gives up the leases so the batches go on at once elsewhere.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        List<Guid> ids;
        List<Task> tasks;
        lock (_working)
        {
            ids = [.. _working.Keys];
            tasks = [.. _working.Values];
        }
        await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            return;
        }
        try
        {
            await store.ReleaseAsync(ids, engine.InstanceId, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // stopping took too long: the leases run out instead
        }
        catch (Exception e)
        {
            Log.BatchLoopFailed(logger, e); // the leases run out instead
        }
    }
}
