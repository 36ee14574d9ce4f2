using Microsoft.Extensions.Logging;

namespace Orchestrator.Engine;

/// <summary>Log messages of requests to other workflows (event ids 420-429).</summary>
internal static partial class Log
{
    [LoggerMessage(420, LogLevel.Debug, "Run {RunId} request {Seq} ({Kind}) reached workflow {WorkflowId}")]
    public static partial void ExternalRequestDelivered(ILogger logger, Guid runId, int seq, string kind, string workflowId);

    [LoggerMessage(421, LogLevel.Information, "Run {RunId} request {Seq} ({Kind}) failed: workflow {WorkflowId} has no open run")]
    public static partial void ExternalRequestTargetNotFound(ILogger logger, Guid runId, int seq, string kind, string workflowId);

    [LoggerMessage(422, LogLevel.Warning, "Delivering run {RunId} request {Seq} failed; it is tried again at {DueAt:O}")]
    public static partial void ExternalRequestDeliveryFailed(ILogger logger, Guid runId, int seq, DateTime dueAt, Exception exception);

    [LoggerMessage(423, LogLevel.Warning, "Looking for external requests due failed; the next look is at {NextLookAt:O}")]
    public static partial void ExternalRequestSweepFailed(ILogger logger, DateTime nextLookAt, Exception exception);
}
