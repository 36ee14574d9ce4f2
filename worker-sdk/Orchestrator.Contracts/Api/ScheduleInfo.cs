namespace Orchestrator.Contracts.Api;

/// <summary>What a schedule did and will do.</summary>
/// <param name="NextActionTimes">The next 10 times it fires (empty while paused or when none are left), jitter included.</param>
/// <param name="RecentActions">The last 10 times it acted on, newest first.</param>
/// <param name="RunningWorkflows">The workflows it started that are still running.</param>
/// <param name="ActionCount">Runs it started (scheduled, triggered and backfilled).</param>
/// <param name="MissedCatchupWindow">Times skipped because they were found later than the catch-up window (no engine ran).</param>
/// <param name="OverlapSkipped">Times skipped by the overlap policy.</param>
/// <param name="BufferedActions">Times held by the overlap policy until the running workflows close.</param>
public sealed record ScheduleInfo(
    IReadOnlyList<DateTimeOffset> NextActionTimes,
    IReadOnlyList<ScheduleActionResult> RecentActions,
    IReadOnlyList<ScheduleRunningWorkflow> RunningWorkflows,
    long ActionCount,
    long MissedCatchupWindow,
    long OverlapSkipped,
    int BufferedActions);
