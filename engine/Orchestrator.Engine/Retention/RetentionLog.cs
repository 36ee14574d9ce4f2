namespace Orchestrator.Engine;

/// <summary>Log messages of retention (event ids 430-439).</summary>
internal static partial class Log
{
    [LoggerMessage(430, LogLevel.Information, "Retention: closed runs are deleted {Window} after they closed, at most {BatchSize} per transaction, {BatchPause} apart, looked for every {Interval}")]
    public static partial void RetentionEnabled(ILogger logger, TimeSpan window, int batchSize, TimeSpan batchPause, TimeSpan interval);

    [LoggerMessage(431, LogLevel.Information, "Retention is off (Orchestrator:Retention:ClosedRuns is 00:00:00): closed runs are kept")]
    public static partial void RetentionDisabled(ILogger logger);

    [LoggerMessage(432, LogLevel.Debug, "Retention deleted {Count} run(s) closed up to {ClosedAt:O} in {ElapsedMs:F1} ms")]
    public static partial void RetentionBatchDeleted(ILogger logger, int count, DateTime closedAt, double elapsedMs);

    [LoggerMessage(433, LogLevel.Information, "Retention deleted {Count} run(s) closed before {Before:O} in {Batches} batch(es), {Seconds:F1} s")]
    public static partial void RetentionSweepDone(ILogger logger, long count, DateTime before, int batches, double seconds);

    [LoggerMessage(434, LogLevel.Debug, "Retention: another engine is sweeping; this one skips its turn")]
    public static partial void RetentionSweepSkipped(ILogger logger);

    [LoggerMessage(435, LogLevel.Information, "Retention: a batch waited too long for a row lock and was rolled back (nothing deleted); the sweep goes on in {Interval}")]
    public static partial void RetentionBatchLockTimeout(ILogger logger, TimeSpan interval);

    [LoggerMessage(436, LogLevel.Warning, "Retention sweep failed; it goes on in {Interval}")]
    public static partial void RetentionSweepFailed(ILogger logger, TimeSpan interval, Exception exception);
}
