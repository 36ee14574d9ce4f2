using System.Diagnostics;
using Npgsql;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Retention;

/// <summary>What one sweep did.</summary>
/// <param name="Deleted">Runs deleted.</param>
/// <param name="Batches">Transactions that deleted runs.</param>
/// <param name="Skipped">Another engine was sweeping (this one did nothing), or retention is off.</param>
internal readonly record struct RetentionSweepResult(long Deleted, int Batches, bool Skipped);

/// <summary>
/// Deletes closed runs older than <see cref="RetentionOptions.ClosedRuns"/> with every row of theirs, every
/// <see cref="RetentionOptions.Interval"/>: batch after batch of <see cref="RetentionOptions.BatchSize"/> runs, each one
/// transaction (<see cref="RetentionSweepConnection.DeleteBatchAsync"/>), <see cref="RetentionOptions.BatchPause"/> apart,
/// until none is due. One engine sweeps at a time (an advisory lock; the others skip their turn); runs the hot path holds
/// are skipped, never waited for.
/// </summary>
internal sealed class RetentionSweeper(RetentionStore store, RetentionOptions options, EngineSettings settings, RetentionTelemetry telemetry,
    ILogger<RetentionSweeper> logger) : BackgroundService
{
    /// <summary>One sweep: deletes every due run (batch by batch), unless another engine is sweeping.</summary>
    /// <exception cref="PostgresException">a batch failed (it deleted nothing; those before it stay deleted).</exception>
    public async Task<RetentionSweepResult> SweepAsync(CancellationToken ct)
    {
        if (!options.Enabled)
        {
            return new RetentionSweepResult(0, 0, Skipped: true);
        }
        await using var sweep = await store.TryLockSweepAsync(ct);
        if (sweep is null)
        {
            Log.RetentionSweepSkipped(logger);
            return new RetentionSweepResult(0, 0, Skipped: true);
        }
        var started = Stopwatch.GetTimestamp();
        var before = settings.UtcNow() - options.ClosedRuns;
        var cursor = RetentionCursor.Start;
        long total = 0;
        var batches = 0;
        try
        {
            while (true)
            {
                var batchStarted = Stopwatch.GetTimestamp();
                var (deleted, next) = await sweep.DeleteBatchAsync(before, options.BatchSize, cursor, ct);
                var elapsed = Stopwatch.GetElapsedTime(batchStarted);
                telemetry.BatchDeleted(deleted, elapsed);
                if (deleted > 0)
                {
                    batches++;
                    total += deleted;
                    Log.RetentionBatchDeleted(logger, deleted, next.ClosedAt, elapsed.TotalMilliseconds);
                }
                if (deleted < options.BatchSize)
                {
                    break; // the scan reached the end of what is due
                }
                cursor = next;
                if (options.BatchPause > TimeSpan.Zero)
                {
                    await Task.Delay(options.BatchPause, ct);
                }
            }
        }
        finally
        {
            if (total > 0)
            {
                Log.RetentionSweepDone(logger, total, before, batches, Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        }
        return new RetentionSweepResult(total, batches, Skipped: false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            Log.RetentionDisabled(logger);
            return;
        }
        Log.RetentionEnabled(logger, options.ClosedRuns, options.BatchSize, options.BatchPause, options.Interval);
        using var timer = new PeriodicTimer(options.Interval);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
            {
                Log.RetentionBatchLockTimeout(logger, options.Interval);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.RetentionSweepFailed(logger, options.Interval, e); // PostgreSQL away, most likely: the next sweep
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
