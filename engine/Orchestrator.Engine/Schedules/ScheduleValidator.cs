using System.Text.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Api;

namespace Orchestrator.Engine.Schedules;

/// <summary>A schedule definition that passed validation, with the policy and state defaults filled in.</summary>
internal sealed record ValidSchedule(string ScheduleId, ScheduleSpec Spec, ScheduleAction Action, SchedulePolicy Policy, ScheduleState State,
    ScheduleCalendar Calendar);

/// <summary>Checks a schedule body of the REST API; every error names the field and what it must be.</summary>
internal static class ScheduleValidator
{
    public const int MaxExpressions = 20;
    public const int MaxNoteLength = 1000;

    /// <summary>Default catch-up window: times missed for less than this while no engine ran are still started.</summary>
    public static readonly TimeSpan DefaultCatchupWindow = TimeSpan.FromHours(1);

    public const string Shape = "{\"scheduleId\",\"spec\":{\"cron\"?,\"intervals\"?,\"timeZone\"?,\"startAt\"?,\"endAt\"?,\"jitter\"?},"
        + "\"action\":{\"workflowType\",\"taskQueue\"?,\"input\"?,\"searchAttributes\"?},\"policy\"?:{\"overlap\"?,\"catchupWindow\"?,\"pauseOnFailure\"?},"
        + "\"state\"?:{\"paused\"?,\"note\"?,\"remainingActions\"?}}";

    /// <param name="body">The body as read.</param>
    /// <param name="pathId">The id in the path (PUT), or null (POST).</param>
    public static ValidSchedule? Validate(ScheduleDefinition? body, string? pathId, out string? error)
    {
        if (body is null)
        {
            error = $"The request body is required: {Shape}.";
            return null;
        }
        var id = pathId ?? body.ScheduleId;
        error = CheckScheduleId(id);
        if (error is null && pathId is not null && body.ScheduleId is not null && body.ScheduleId != pathId)
        {
            error = $"'scheduleId' ('{body.ScheduleId}') differs from the schedule id in the path ('{pathId}').";
        }
        if (error is not null)
        {
            return null;
        }
        if (body.Spec is not { } spec)
        {
            error = "'spec' is required: {\"cron\":[...]} and/or {\"intervals\":[{\"every\",\"offset\"?}]}.";
            return null;
        }
        if ((spec.Cron?.Count ?? 0) > MaxExpressions || (spec.Intervals?.Count ?? 0) > MaxExpressions)
        {
            error = $"'spec' may have at most {MaxExpressions} cron expressions and {MaxExpressions} intervals.";
            return null;
        }
        if (ScheduleCalendar.TryCreate(id!, spec, out error) is not { } calendar)
        {
            return null;
        }
        if (body.Action is not { } action)
        {
            error = "'action' is required: {\"workflowType\",\"taskQueue\"?,\"input\"?}.";
            return null;
        }
        error = ApiLimits.CheckName("action.workflowType", action.WorkflowType, required: true)
            ?? ApiLimits.CheckName("action.taskQueue", action.TaskQueue, required: false)
            ?? (action.SearchAttributes ?? new Dictionary<string, JsonElement>()).Keys.Select(k => ApiLimits.CheckName("action.searchAttributes key", k, true))
                .FirstOrDefault(e => e is not null);
        if (error is not null)
        {
            return null;
        }
        var policy = body.Policy ?? new SchedulePolicy();
        if (policy.Overlap is { } overlap && !Enum.IsDefined(overlap))
        {
            error = $"'policy.overlap' must be one of {string.Join(", ", Enum.GetNames<ScheduleOverlapPolicy>())}.";
            return null;
        }
        if (policy.CatchupWindow is { } window && window < TimeSpan.FromSeconds(1))
        {
            error = "'policy.catchupWindow' must be at least 00:00:01.";
            return null;
        }
        var state = body.State ?? new ScheduleState();
        if (state.RemainingActions is < 0)
        {
            error = "'state.remainingActions' must be at least 0 (or absent for no limit).";
            return null;
        }
        if (state.Note is { Length: > MaxNoteLength })
        {
            error = $"'state.note' is longer than {MaxNoteLength} characters.";
            return null;
        }
        var normalizedSpec = spec with
        {
            Cron = spec.Cron?.Select(c => c.Trim()).ToList(), TimeZone = string.IsNullOrEmpty(spec.TimeZone) ? null : spec.TimeZone,
            Intervals = spec.Intervals?.Select(i => i with { Offset = i.Offset ?? TimeSpan.Zero }).ToList(),
        };
        var input = action.Input is { ValueKind: JsonValueKind.Null } ? null : action.Input;
        return new ValidSchedule(id!, normalizedSpec, action with { Input = input },
            new SchedulePolicy(policy.Overlap ?? ScheduleOverlapPolicy.Skip, policy.CatchupWindow ?? DefaultCatchupWindow, policy.PauseOnFailure ?? false),
            new ScheduleState(state.Paused ?? false, state.Note, state.RemainingActions), calendar);
    }

    public static string? CheckScheduleId(string? id) => ApiLimits.CheckName("scheduleId", id, required: true);

    public static string? CheckNote(string? note) => note is { Length: > MaxNoteLength } ? $"'note' is longer than {MaxNoteLength} characters." : null;

    public static string? CheckOverlap(ScheduleOverlapPolicy? overlap) => overlap is { } o && !Enum.IsDefined(o)
        ? $"'overlap' must be one of {string.Join(", ", Enum.GetNames<ScheduleOverlapPolicy>())}."
        : null;
}
