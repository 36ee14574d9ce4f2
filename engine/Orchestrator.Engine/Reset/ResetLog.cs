namespace Orchestrator.Engine;

/// <summary>Log messages of workflow reset (event ids 450-459).</summary>
internal static partial class Log
{
    [LoggerMessage(450, LogLevel.Information,
        "Workflow {WorkflowId} run {OldRunId} reset to event {PointEventId} ({Reason}): new run {NewRunId} with {Copied} event(s) copied, {Signals} signal(s) re-applied, {Activities} activity(ies) and {Timers} timer(s) re-created; terminated {TerminatedRunId}")]
    public static partial void WorkflowReset(ILogger logger, string workflowId, Guid oldRunId, long pointEventId, string reason, Guid newRunId, int copied,
        int signals, int activities, int timers, Guid? terminatedRunId);

    [LoggerMessage(451, LogLevel.Information, "Reset of workflow {WorkflowId} (run {RunId}) to {Target} refused: {Detail}")]
    public static partial void ResetRefused(ILogger logger, string workflowId, Guid? runId, string target, string detail);

    [LoggerMessage(452, LogLevel.Information, "Reset of workflow {WorkflowId} lost a race with a start: {Detail}")]
    public static partial void ResetConflict(ILogger logger, string workflowId, string detail);
}
