using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Schedules;

/// <summary>What the REST API asks of schedules; every change holds the schedule's row lock, like a fire.</summary>
internal sealed class ScheduleService(HistoryStore history, ScheduleStore store, ScheduleFirer firer, ScheduleLoop loop, EngineSettings settings)
{
    public const int DescribeTimes = 10;

    /// <summary>Creates the schedule; false when the id exists. Its first time is the first after now.</summary>
    public async Task<bool> CreateAsync(ValidSchedule schedule)
    {
        var now = settings.UtcNow();
        var row = NewRow(schedule, now);
        var (connection, tx) = await history.BeginAsync();
        await using (connection)
        await using (tx)
        {
            if (!await store.InsertAsync(tx, row, now))
            {
                return false;
            }
            await tx.CommitAsync();
        }
        loop.Wake();
        return true;
    }

    private static ScheduleRow NewRow(ValidSchedule schedule, DateTime now)
    {
        var row = new ScheduleRow
        {
            ScheduleId = schedule.ScheduleId, Spec = ScheduleDocument.Json(schedule.Spec), Action = ScheduleDocument.Json(schedule.Action),
            Policy = ScheduleDocument.Json(schedule.Policy), Paused = schedule.State.Paused ?? false, Note = schedule.State.Note,
            RemainingActions = schedule.State.RemainingActions, CursorAt = now,
        };
        row.NextFireAt = ScheduleDocument.Read(row).NextFireAfter(now);
        return row;
    }

    /// <summary>Replaces spec, action, policy and state; times from now on follow the new spec (none is caught up). False: no such schedule.</summary>
    public Task<bool> UpdateAsync(ValidSchedule schedule) => ChangeAsync(schedule.ScheduleId, (doc, now) =>
    {
        var fresh = NewRow(schedule, now);
        var row = doc.Row;
        (row.Spec, row.Action, row.Policy, row.Paused, row.Note, row.RemainingActions) =
            (fresh.Spec, fresh.Action, fresh.Policy, fresh.Paused, fresh.Note, fresh.RemainingActions);
        row.CursorAt = row.CursorAt > now ? row.CursorAt : now;
        row.NextFireAt = ScheduleDocument.Read(row).NextFireAfter(row.CursorAt);
    });

    public Task<bool> DeleteAsync(string scheduleId) => store.DeleteAsync(scheduleId);

    /// <summary>Pauses: no scheduled time is taken until unpaused (triggers and backfills still act).</summary>
    public Task<bool> PauseAsync(string scheduleId, string? note) => ChangeAsync(scheduleId, (doc, _) =>
    {
        doc.Row.Paused = true;
        doc.Row.Note = note ?? doc.Row.Note;
    });

    /// <summary>Unpauses: the times that passed while paused are not caught up; the next is the first after now.</summary>
    public Task<bool> UnpauseAsync(string scheduleId, string? note) => ChangeAsync(scheduleId, (doc, now) =>
    {
        var row = doc.Row;
        if (row.Paused)
        {
            row.Paused = false;
            row.CursorAt = row.CursorAt > now ? row.CursorAt : now;
            row.NextFireAt = doc.NextFireAfter(row.CursorAt);
        }
        row.Note = note ?? row.Note;
    });

    /// <summary>Queues a backfill of [startAt, endAt): the loop acts on each of the spec's times in it, in order.</summary>
    public Task<bool> BackfillAsync(string scheduleId, DateTime startAt, DateTime endAt, ScheduleOverlapPolicy? overlap) => ChangeAsync(scheduleId, (doc, _) =>
    {
        doc.Backfills.Add(new PendingBackfill(startAt, endAt, overlap));
        doc.SaveBackfills();
    });

    private async Task<bool> ChangeAsync(string scheduleId, Action<ScheduleDocument, DateTime> change)
    {
        var (connection, tx) = await history.BeginAsync();
        await using (connection)
        await using (tx)
        {
            if (await store.LockAsync(tx, scheduleId) is not { } row)
            {
                return false;
            }
            var now = settings.UtcNow();
            var doc = ScheduleDocument.Read(row);
            change(doc, now);
            await store.UpdateAsync(tx, doc.Row, now);
            await tx.CommitAsync();
        }
        loop.Wake();
        return true;
    }

    /// <summary>Acts on the time now (in whole seconds) by <paramref name="overlap"/> (default the schedule's). Null: no such schedule.</summary>
    /// <exception cref="ScheduleTimeTakenException">this second was acted on already.</exception>
    public async Task<TriggerScheduleResponse?> TriggerAsync(string scheduleId, ScheduleOverlapPolicy? overlap)
    {
        var (connection, tx) = await history.BeginAsync();
        await using (connection)
        await using (tx)
        {
            if (await store.LockAsync(tx, scheduleId) is not { } row)
            {
                return null;
            }
            var now = settings.UtcNow();
            var at = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
            var doc = ScheduleDocument.Read(row);
            var running = await firer.RunningAsync(tx, doc);
            var after = new List<Action>();
            var (outcome, runId) = await firer.ActAsync(tx, doc, at, overlap ?? doc.Overlap, running, now, "trigger", after);
            if (outcome == ActOutcome.AlreadyActed)
            {
                throw new ScheduleTimeTakenException(at);
            }
            await store.UpdateAsync(tx, doc.Row, now);
            await tx.CommitAsync();
            after.ForEach(a => a());
            var workflowId = ScheduleCalendar.WorkflowId(scheduleId, at);
            return new TriggerScheduleResponse(new DateTimeOffset(at), workflowId, runId?.ToString(), outcome.ToString());
        }
    }

    public async Task<ScheduleDescription?> DescribeAsync(string scheduleId, CancellationToken ct)
    {
        if (await store.GetAsync(scheduleId, ct) is not { } row)
        {
            return null;
        }
        var doc = ScheduleDocument.Read(row);
        var recent = await store.RecentActionsAsync(scheduleId, DescribeTimes, ct);
        var running = await store.RunningAsync(null, scheduleId, ct);
        var info = new ScheduleInfo(NextTimes(doc),
            recent.Select(a => new ScheduleActionResult(Utc(a.ScheduledAt), Utc(a.ActualAt), a.WorkflowId, a.RunId?.ToString(), a.Status)).ToList(),
            running.Select(r => new ScheduleRunningWorkflow(r.WorkflowId, r.RunId.ToString())).ToList(),
            row.ActionCount, row.MissedCatchupWindow, row.OverlapSkipped, row.Buffered.Length);
        return new ScheduleDescription(row.ScheduleId, doc.Spec, doc.Action, doc.Policy, new ScheduleState(row.Paused, row.Note, row.RemainingActions), info);
    }

    /// <summary>The next fire times (jitter included): none while paused, at most the remaining actions.</summary>
    public static IReadOnlyList<DateTimeOffset> NextTimes(ScheduleDocument doc)
    {
        if (doc.Row.Paused)
        {
            return [];
        }
        var count = (int)Math.Min(DescribeTimes, doc.Row.RemainingActions ?? DescribeTimes);
        return doc.Calendar.NextTimes(doc.Row.CursorAt, count).Select(t => Utc(doc.Calendar.FireTime(t))).ToList();
    }

    public async Task<ScheduleListPage> ListAsync(string? after, int pageSize, CancellationToken ct)
    {
        var rows = await store.ListAsync(after, pageSize + 1, ct);
        var page = rows.Take(pageSize).Select(r =>
        {
            var doc = ScheduleDocument.Read(r);
            return new ScheduleListItem(r.ScheduleId, r.Paused, r.Paused || r.NextFireAt is null ? null : Utc(r.NextFireAt.Value), doc.Action.WorkflowType);
        }).ToList();
        return new ScheduleListPage(page, rows.Count > pageSize ? page[^1].ScheduleId : null);
    }

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}

/// <summary>A trigger in a second that was acted on already (the workflow id of that second is taken).</summary>
internal sealed class ScheduleTimeTakenException(DateTime at) : Exception($"The schedule acted on {at:O} already.")
{
    public DateTime At { get; } = at;
}
