namespace Orchestrator.Engine;

/// <summary>Log messages of schedules (event ids 300-319).</summary>
internal static partial class Log
{
    [LoggerMessage(300, LogLevel.Debug, "Schedule {ScheduleId} started {WorkflowId} (run {RunId}) for {ScheduledTime:O}")]
    public static partial void ScheduleFired(ILogger logger, string scheduleId, string workflowId, Guid runId, DateTime scheduledTime);

    [LoggerMessage(301, LogLevel.Warning, "Firing schedule {ScheduleId} failed; it is tried again on the next look")]
    public static partial void ScheduleStepFailed(ILogger logger, string scheduleId, Exception exception);

    [LoggerMessage(302, LogLevel.Warning, "Schedule {ScheduleId} skipped {Count} time(s) from {First:O} to {Last:O}: they were due longer ago than its catch-up window ({Window}) when an engine took them (no engine ran then); counted in info.missedCatchupWindow")]
    public static partial void ScheduleMissedCatchupWindow(ILogger logger, string scheduleId, long count, DateTime first, DateTime last, TimeSpan window);

    [LoggerMessage(303, LogLevel.Information, "Schedule {ScheduleId} skipped {ScheduledTime:O}: a workflow it started is still running (overlap policy)")]
    public static partial void ScheduleOverlapSkipped(ILogger logger, string scheduleId, DateTime scheduledTime);

    [LoggerMessage(304, LogLevel.Warning, "Schedule {ScheduleId} paused: workflow {WorkflowId} failed and the policy says pauseOnFailure")]
    public static partial void SchedulePausedOnFailure(ILogger logger, string scheduleId, string workflowId);

    [LoggerMessage(305, LogLevel.Warning, "Looking for due schedules failed; looking again shortly")]
    public static partial void ScheduleLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(306, LogLevel.Information, "Schedule {ScheduleId}: a run of {WorkflowId} is already open; the time is recorded without a new run")]
    public static partial void ScheduleWorkflowAlreadyOpen(ILogger logger, string scheduleId, string workflowId);

    [LoggerMessage(307, LogLevel.Warning, "Schedule {ScheduleId} started its run without its search attributes: {Error}")]
    public static partial void ScheduleSearchAttributesLeftOff(ILogger logger, string scheduleId, string error);
}
