using Npgsql;
using Orchestrator.Contracts.Api;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Schedules;

/// <summary>What happened to one scheduled time.</summary>
internal enum ActOutcome
{
    Started,
    Skipped,
    Buffered,
    /// <summary>The time was acted on before (a trigger or backfill of the same second): nothing new.</summary>
    AlreadyActed,
}

/// <summary>
/// Fires schedules: one step of one schedule is one transaction that holds the schedule's row lock, starts at most one
/// run (in that transaction: <see cref="RunShell.StartInTransactionAsync"/>) and moves the cursor past the time it
/// handled. A crash before the commit leaves the time due and no run; after it, the run and the moved cursor. The
/// action row of the time (primary key schedule + time) is written with the run, so no path fires a time twice.
/// </summary>
internal sealed class ScheduleFirer(HistoryStore history, DispatchStore dispatch, ScheduleStore store, RunShell shell, WorkflowEngine engine,
    EngineSettings settings, ILogger<ScheduleFirer> logger)
{
    /// <summary>Most missed times counted one by one when an engine comes back; past it the cursor jumps.</summary>
    private const int MaxMissedCounted = 100_000;

    /// <summary>One step of a due schedule; false when there was nothing to do (or another engine holds it).</summary>
    public async Task<bool> StepAsync(string scheduleId)
    {
        var (connection, tx) = await history.BeginAsync();
        await using (connection)
        await using (tx)
        {
            if (await store.LockIfFreeAsync(tx, scheduleId) is not { } row)
            {
                return false;
            }
            var doc = ScheduleDocument.Read(row);
            var now = settings.UtcNow();
            var running = await RunningAsync(tx, doc);
            var after = new List<Action>();
            var acted = await StepAsync(tx, doc, running, now, after);
            if (!acted)
            {
                return false;
            }
            await store.UpdateAsync(tx, doc.Row, now);
            await tx.CommitAsync();
            after.ForEach(a => a());
            return true;
        }
    }

    private async Task<bool> StepAsync(NpgsqlTransaction tx, ScheduleDocument doc, IReadOnlyList<(string WorkflowId, Guid RunId)> running, DateTime now,
        List<Action> after)
    {
        var row = doc.Row;
        if (!row.Paused && row.Buffered.Length > 0 && running.Count == 0)
        {
            var at = row.Buffered[0];
            row.Buffered = row.Buffered[1..];
            await StartAsync(tx, doc, at, now, "scheduled", after);
            return true;
        }
        if (!row.Paused && row.NextFireAt is { } due && due <= now)
        {
            if (doc.Calendar.NextAfter(row.CursorAt) is not { } scheduled)
            {
                row.NextFireAt = null;
                return true;
            }
            var fireAt = doc.Calendar.FireTime(scheduled);
            if (fireAt > now)
            {
                row.NextFireAt = fireAt; // the spec changed under an older cursor: nothing due yet
                return true;
            }
            if (now - fireAt > doc.CatchupWindow)
            {
                SkipMissed(doc, scheduled, now);
                row.NextFireAt = doc.NextFireAfter(row.CursorAt);
                return true;
            }
            var (outcome, _) = await ActAsync(tx, doc, scheduled, doc.Overlap, running, now, "scheduled", after);
            row.CursorAt = scheduled;
            if (outcome == ActOutcome.Started && row.RemainingActions is { } left)
            {
                row.RemainingActions = Math.Max(0, left - 1);
            }
            row.NextFireAt = doc.NextFireAfter(scheduled);
            return true;
        }
        if (doc.Backfills.Count > 0)
        {
            var backfill = doc.Backfills[0];
            var time = doc.Calendar.NextAfter(backfill.Next.AddTicks(-1));
            if (time is not { } t || t >= backfill.EndAt)
            {
                doc.Backfills.RemoveAt(0);
            }
            else
            {
                await ActAsync(tx, doc, t, backfill.Overlap ?? doc.Overlap, running, now, "backfill", after);
                doc.Backfills[0] = backfill with { Next = t.AddSeconds(1) };
            }
            doc.SaveBackfills();
            return true;
        }
        return false;
    }

    /// <summary>Times due longer ago than the catch-up window (no engine ran): counted, logged, and the cursor moves past them.</summary>
    private void SkipMissed(ScheduleDocument doc, DateTime first, DateTime now)
    {
        var row = doc.Row;
        var limit = now - doc.CatchupWindow;
        var last = first;
        long count = 0;
        for (DateTime? t = first; t is { } at && doc.Calendar.FireTime(at) < limit; t = doc.Calendar.NextAfter(at))
        {
            last = at;
            if (++count >= MaxMissedCounted)
            {
                last = limit > last ? limit : last;
                break;
            }
        }
        row.CursorAt = last;
        row.MissedCatchupWindow += count;
        Log.ScheduleMissedCatchupWindow(logger, row.ScheduleId, count, first, last, doc.CatchupWindow);
    }

    /// <summary>The workflows the schedule started that still run; closed ones are marked done (and may pause the schedule).</summary>
    public async Task<IReadOnlyList<(string WorkflowId, Guid RunId)>> RunningAsync(NpgsqlTransaction tx, ScheduleDocument doc)
    {
        var failed = await store.CloseFinishedActionsAsync(tx, doc.Row.ScheduleId);
        if (failed.Count > 0 && doc.Policy.PauseOnFailure == true && !doc.Row.Paused)
        {
            doc.Row.Paused = true;
            doc.Row.Note = $"Paused: workflow {failed[0]} failed.";
            Log.SchedulePausedOnFailure(logger, doc.Row.ScheduleId, failed[0]);
        }
        return await store.RunningAsync(tx, doc.Row.ScheduleId);
    }

    /// <summary>Acts on one scheduled time by the overlap policy: start, skip, buffer, or cancel or terminate the running ones first.</summary>
    public async Task<(ActOutcome Outcome, Guid? RunId)> ActAsync(NpgsqlTransaction tx, ScheduleDocument doc, DateTime scheduled, ScheduleOverlapPolicy overlap,
        IReadOnlyList<(string WorkflowId, Guid RunId)> running, DateTime now, string kind, List<Action> after)
    {
        var row = doc.Row;
        if (await store.ActionExistsAsync(tx, row.ScheduleId, scheduled) || row.Buffered.Contains(scheduled))
        {
            return (ActOutcome.AlreadyActed, null);
        }
        if (running.Count > 0)
        {
            switch (overlap)
            {
                case ScheduleOverlapPolicy.Skip:
                    return (Skip(row, scheduled), null);
                case ScheduleOverlapPolicy.BufferOne:
                    if (row.Buffered.Length > 0)
                    {
                        return (Skip(row, scheduled), null);
                    }
                    row.Buffered = [scheduled];
                    return (ActOutcome.Buffered, null);
                case ScheduleOverlapPolicy.BufferAll:
                    row.Buffered = [.. row.Buffered, scheduled];
                    return (ActOutcome.Buffered, null);
                case ScheduleOverlapPolicy.CancelOther:
                    // cancel requests are idempotent: a crash before this commit asks again on the next step
                    foreach (var (workflowId, _) in running)
                    {
                        await engine.RequestCancelAsync(workflowId, $"schedule {row.ScheduleId}: overlap policy CancelOther for {scheduled:O}");
                    }
                    row.OverlapSkipped += row.Buffered.Length; // the newest time replaces a held one
                    row.Buffered = [scheduled];
                    return (ActOutcome.Buffered, null);
                case ScheduleOverlapPolicy.TerminateOther:
                    foreach (var (workflowId, _) in running)
                    {
                        await engine.TerminateAsync(workflowId, $"schedule {row.ScheduleId}: overlap policy TerminateOther for {scheduled:O}");
                    }
                    break;
                case ScheduleOverlapPolicy.AllowAll:
                    break;
            }
        }
        return (ActOutcome.Started, await StartAsync(tx, doc, scheduled, now, kind, after));
    }

    private ActOutcome Skip(ScheduleRow row, DateTime scheduled)
    {
        row.OverlapSkipped++;
        Log.ScheduleOverlapSkipped(logger, row.ScheduleId, scheduled);
        return ActOutcome.Skipped;
    }

    /// <summary>
    /// The action's search attributes as a run stores them, checked against the registry as this engine knows it (they
    /// were checked when the schedule was written). One that is no longer registered as it was is left off, with a warning:
    /// the schedule goes on starting its runs.
    /// </summary>
    private string? SearchAttributesOf(string scheduleId, IReadOnlyDictionary<string, System.Text.Json.JsonElement>? given)
    {
        if (given is null || given.Count == 0)
        {
            return null;
        }
        var error = Visibility.SearchAttributeRules.Merge(given.Select(g => KeyValuePair.Create(g.Key, (System.Text.Json.JsonElement?)g.Value)),
            settings.SearchAttributes.Current, null, allowRemove: false, out var json, out _);
        if (error is null)
        {
            return json;
        }
        Log.ScheduleSearchAttributesLeftOff(logger, scheduleId, error);
        return null;
    }

    private async Task<Guid?> StartAsync(NpgsqlTransaction tx, ScheduleDocument doc, DateTime scheduled, DateTime now, string kind, List<Action> after)
    {
        var row = doc.Row;
        var workflowId = ScheduleCalendar.WorkflowId(row.ScheduleId, scheduled);
        Guid? runId = null;
        if ((await dispatch.OpenWorkflowIdsAsync(tx, [workflowId])).Count > 0)
        {
            Log.ScheduleWorkflowAlreadyOpen(logger, row.ScheduleId, workflowId);
        }
        else
        {
            var (run, afterCommit) = await shell.StartInTransactionAsync(tx, new Dispatch.StartWorkflowRequest(doc.Action.WorkflowType, workflowId,
                doc.Action.TaskQueue, doc.Action.Input, ScheduleId: row.ScheduleId, ScheduledTime: scheduled,
                SearchAttributes: SearchAttributesOf(row.ScheduleId, doc.Action.SearchAttributes)));
            runId = run.RunId;
            row.ActionCount++;
            after.Add(afterCommit);
            after.Add(() => Log.ScheduleFired(logger, row.ScheduleId, workflowId, run.RunId, scheduled));
        }
        await store.InsertActionAsync(tx, row.ScheduleId, scheduled, now, workflowId, runId, kind, settings.InstanceId);
        return runId;
    }
}
