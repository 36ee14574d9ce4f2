namespace Orchestrator.Engine;

/// <summary>Log messages of batch operations (event ids 440-449).</summary>
internal static partial class Log
{
    [LoggerMessage(440, LogLevel.Information, "Batch {BatchId} created: {Operation} {Total} open run(s) matching {Query} at most {MaxPerSecond}/s")]
    public static partial void BatchCreated(ILogger logger, Guid batchId, string operation, long total, string query, int maxPerSecond);

    [LoggerMessage(441, LogLevel.Information, "Batch {BatchId} completed: {Done} done, {Failed} failed")]
    public static partial void BatchCompleted(ILogger logger, Guid batchId, long done, long failed);

    [LoggerMessage(442, LogLevel.Information, "Batch {BatchId} canceled")]
    public static partial void BatchCanceled(ILogger logger, Guid batchId);

    [LoggerMessage(443, LogLevel.Debug, "Batch {BatchId} could not act on {WorkflowId} (run {RunId}): {Detail}")]
    public static partial void BatchItemFailed(ILogger logger, Guid batchId, string workflowId, Guid runId, string detail);

    [LoggerMessage(444, LogLevel.Warning, "Batch {BatchId}: acting on {WorkflowId} (item {Seq}) threw (attempt {Attempt} of {Attempts}); it is tried again")]
    public static partial void BatchItemError(ILogger logger, Exception exception, Guid batchId, string workflowId, long seq, int attempt, int attempts);

    [LoggerMessage(445, LogLevel.Warning, "Batch {BatchId}: acting on {WorkflowId} (item {Seq}) threw {Attempts} times; it is counted failed: {Detail}")]
    public static partial void BatchItemGaveUp(ILogger logger, Guid batchId, string workflowId, long seq, int attempts, string detail);

    [LoggerMessage(446, LogLevel.Warning, "Looking for batches to work failed; looking again shortly")]
    public static partial void BatchLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(447, LogLevel.Information, "Batch {BatchId}: this engine's lease was taken by {Owner}; it stops working the batch")]
    public static partial void BatchLeaseLost(ILogger logger, Guid batchId, string? owner);

    [LoggerMessage(448, LogLevel.Information, "Working batch {BatchId} ({Operation}): {Acted} of {Total} acted on so far")]
    public static partial void BatchTaken(ILogger logger, Guid batchId, string operation, long acted, long total);

    [LoggerMessage(449, LogLevel.Warning, "Batch {BatchId}: a step failed (PostgreSQL: {Message}); it is tried again in {RetryIn}")]
    public static partial void BatchStepFailed(ILogger logger, Exception exception, Guid batchId, string message, TimeSpan retryIn);
}
