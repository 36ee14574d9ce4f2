using System.Text.Json;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Testing.InMemory;

/// <summary>What a worker reports of a running attempt without a decision: its pick-up and its heartbeats (the engine's row updates).</summary>
internal sealed partial class MemoryShell
{
    /// <summary>
    /// The row of the attempt <paramref name="message"/> runs, while it is the activity's current, running attempt
    /// (dispatched, or canceling: the workflow asked to cancel it and waits for its answer).
    /// </summary>
    private ActivityTaskRow? CurrentRow(ActivityTaskMessage message, out MemoryRun? run) =>
        (run = Get(message.RunId)) is { IsOpen: true } open && open.Activities.TryGetValue(message.ScheduledEventId, out var row)
        && row.Attempt == message.Attempt && row.State is TaskState.Dispatched or TaskState.Canceling
            ? row
            : null;

    /// <summary>Whether <paramref name="message"/> is still the activity's current attempt (not timed out, not closed).</summary>
    public bool IsCurrent(ActivityTaskMessage message) => CurrentRow(message, out _) is not null;

    /// <summary>
    /// Whether the workflow asked to cancel the activity of <paramref name="message"/> (its row is canceling) and the
    /// attempt heartbeats: the engine tells a worker in answer to a heartbeat, so an attempt that has heartbeated is told
    /// at once here (in virtual time its next heartbeat would come later), and one that never heartbeats is never told.
    /// </summary>
    public bool IsToldToCancel(ActivityTaskMessage message) => CurrentRow(message, out _) is { State: TaskState.Canceling, HeartbeatAt: not null };

    /// <summary>The worker took the attempt: ScheduleToStart no longer applies; the next check is its heartbeat or its deadline.</summary>
    public void RecordPickUp(ActivityTaskMessage message)
    {
        if (CurrentRow(message, out var run) is { PickedUpAt: null } row)
        {
            run!.Activities[row.ScheduledEventId] = row with { PickedUpAt = Now, DispatchAfter = NextCheck(row, Now) };
        }
    }

    /// <summary>
    /// The attempt is alive: its details are kept (unless over the size limit) and its heartbeat deadline moves. True when
    /// the workflow asked to cancel the attempt (the engine then tells its worker, which cancels the attempt's token).
    /// </summary>
    public bool RecordHeartbeat(ActivityTaskMessage message, JsonElement? details)
    {
        if (CurrentRow(message, out var run) is not { } row)
        {
            return false;
        }
        var tooLarge = CommandValidator.CheckPayload("details", details) is not null;
        run!.Activities[row.ScheduledEventId] = row with
        {
            HeartbeatDetails = tooLarge ? row.HeartbeatDetails : details?.GetRawText(), HeartbeatAt = Now, PickedUpAt = row.PickedUpAt ?? Now,
            DispatchAfter = NextCheck(row, Now),
        };
        return row.State == TaskState.Canceling;
    }

    /// <summary>The row's next check, as the engine's SQL has it: the attempt's deadline, or sooner its heartbeat's.</summary>
    private static DateTime NextCheck(ActivityTaskRow row, DateTime now) => (row.HeartbeatTimeout, row.AttemptDeadline) switch
    {
        (null, { } deadline) => deadline,
        ({ } beat, { } deadline) => now + beat < deadline ? now + beat : deadline,
        ({ } beat, null) => now + beat,
        _ => row.DispatchAfter,
    };
}
