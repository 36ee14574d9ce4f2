namespace Orchestrator.Contracts.Api;

/// <summary>When a schedule fires: the union of its cron expressions and intervals, within its bounds.</summary>
/// <param name="Cron">Cron expressions: 5 fields (minute first) or 6 (second first), or macros such as <c>@hourly</c>.</param>
/// <param name="Intervals">Fixed periods.</param>
/// <param name="TimeZone">The IANA time zone the cron expressions are read in (e.g. <c>Europe/Berlin</c>); default UTC.</param>
/// <param name="StartAt">No time before this one.</param>
/// <param name="EndAt">No time after this one.</param>
/// <param name="Jitter">Each time fires up to this much later, by an amount fixed per schedule and time.</param>
public sealed record ScheduleSpec(
    IReadOnlyList<string>? Cron = null,
    IReadOnlyList<ScheduleInterval>? Intervals = null,
    string? TimeZone = null,
    DateTimeOffset? StartAt = null,
    DateTimeOffset? EndAt = null,
    TimeSpan? Jitter = null);
