using System.Text.Json;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Schedules;

/// <summary>A backfill not yet done: the next time to look at, the end of its range (exclusive), its overlap policy.</summary>
internal sealed record PendingBackfill(DateTime Next, DateTime EndAt, ScheduleOverlapPolicy? Overlap);

/// <summary>A schedule row read back into the API's shapes, with its calendar.</summary>
internal sealed class ScheduleDocument
{
    private ScheduleDocument(ScheduleRow row, ScheduleSpec spec, ScheduleAction action, SchedulePolicy policy, List<PendingBackfill> backfills)
    {
        (Row, Spec, Action, Policy, Backfills) = (row, spec, action, policy, backfills);
        Calendar = ScheduleCalendar.TryCreate(row.ScheduleId, spec, out var error)
            ?? throw new InvalidOperationException($"Schedule '{row.ScheduleId}' has a stored spec that no longer compiles: {error}");
    }

    public ScheduleRow Row { get; }

    public ScheduleSpec Spec { get; }

    public ScheduleAction Action { get; }

    public SchedulePolicy Policy { get; }

    public List<PendingBackfill> Backfills { get; }

    public ScheduleCalendar Calendar { get; }

    public ScheduleOverlapPolicy Overlap => Policy.Overlap ?? ScheduleOverlapPolicy.Skip;

    public TimeSpan CatchupWindow => Policy.CatchupWindow ?? ScheduleValidator.DefaultCatchupWindow;

    public static ScheduleDocument Read(ScheduleRow row) => new(row,
        JsonSerializer.Deserialize<ScheduleSpec>(row.Spec, HistoryJson.Options)!,
        JsonSerializer.Deserialize<ScheduleAction>(row.Action, HistoryJson.Options)!,
        JsonSerializer.Deserialize<SchedulePolicy>(row.Policy, HistoryJson.Options)!,
        JsonSerializer.Deserialize<List<PendingBackfill>>(row.Backfills, HistoryJson.Options) ?? []);

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, HistoryJson.Options);

    /// <summary>Writes the pending backfills back into the row.</summary>
    public void SaveBackfills() => Row.Backfills = Json(Backfills);

    /// <summary>The fire time of the first scheduled time after <paramref name="after"/> (null: none left, or no actions left).</summary>
    public DateTime? NextFireAfter(DateTime after) =>
        Row.RemainingActions is 0 ? null : Calendar.NextAfter(after) is { } next ? Calendar.FireTime(next) : null;
}
