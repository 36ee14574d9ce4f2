using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// Local activities and side effects: work done by the worker inside a workflow task and recorded as markers
/// (<c>localActivity</c>, <c>sideEffect</c>) among the task's commands. The runtime does no I/O: a local activity waits here
/// until the host (or, on replay, its recorded marker) resolves it.
/// </summary>
internal sealed partial class WorkflowState
{
    /// <summary>
    /// Most local activities one round runs (the first ready ones, by seq; the rest in the next rounds). Part of the replay
    /// rule: replay forms its rounds the same way, so changing it changes how histories of wider fan-outs replay.
    /// </summary>
    public const int MaxLocalActivitiesPerRound = 1000;

    private readonly SortedDictionary<int, LocalActivityCall> _localActivities = [];

    /// <summary>The command events of the replayed task whose code runs now (null for the current task): where recorded markers are found.</summary>
    public RecordedMarkers? Recorded { get; set; }

    /// <summary>
    /// Set when the code did something that must fail the workflow task (not the workflow), even if the code catches the
    /// exception: a side effect that threw, or a replayed call history has no marker for. The activation throws it.
    /// </summary>
    public Exception? TaskFailure { get; private set; }

    /// <summary>Throws <see cref="TaskFailure"/>, if any.</summary>
    public void ThrowIfTaskFailed()
    {
        if (TaskFailure is { } failure)
        {
            throw failure;
        }
    }

    public Task<JsonElement?> ScheduleLocalActivity(string activityName, JsonElement arguments, LocalActivityOptions options, CodeLocation site)
    {
        _ensureOnScheduler("ExecuteLocalActivityAsync");
        options.Validate();
        var seq = _nextSeq++;
        var call = new LocalActivityCall(seq, activityName, arguments, options);
        _localActivities.Add(seq, call);
        _pending.Add(seq, new PendingOperation(seq, OperationKind.LocalActivity, activityName) { Completion = call.Completion, Site = site, Order = NextWaitOrder() });
        return call.Completion.Task;
    }

    /// <summary>The local activities to run now, in seq order: waited for, and not waiting for a back-off timer. Drops those a cancel request ended.</summary>
    public List<LocalActivityCall> ReadyLocalActivities()
    {
        List<LocalActivityCall>? ready = null;
        List<int>? ended = null;
        foreach (var (seq, call) in _localActivities)
        {
            if (!_pending.ContainsKey(seq))
            {
                (ended ??= []).Add(seq);
            }
            else if (call.BackoffTimerSeq is null && (ready?.Count ?? 0) < MaxLocalActivitiesPerRound)
            {
                (ready ??= []).Add(call);
            }
        }
        foreach (var seq in ended ?? [])
        {
            _localActivities.Remove(seq);
        }
        return ready ?? [];
    }

    /// <summary>
    /// On replay: the outcomes the replayed task recorded for <paramref name="ready"/> (in seq order; none for those it left
    /// for a later task). A marker of another activity at that seq, or another command there, is non-determinism.
    /// </summary>
    public List<LocalActivityOutcome> RecordedOutcomes(List<LocalActivityCall> ready)
    {
        var outcomes = new List<LocalActivityOutcome>();
        if (Recorded is not { } recorded)
        {
            return outcomes;
        }
        foreach (var call in ready)
        {
            if (recorded.LocalActivity(call.Seq) is { } marker)
            {
                var details = RecordedMarkers.Details(marker)?.Deserialize<LocalActivityMarkerDetails>(HistoryJson.Options);
                if (details is null || details.ActivityName != call.Name)
                {
                    throw new NonDeterminismException(
                        $"Non-determinism at event {marker.EventId}: history holds {CommandMatcher.Describe(marker)} but the workflow code called local activity '{call.Name}' (seq {call.Seq}).",
                        marker.EventId);
                }
                outcomes.Add(details.Backoff is { } backoff
                    ? LocalActivityOutcome.RetryAfter(call.Seq, details.Attempts, details.Failure ?? new FailureInfo("Exception", "The attempt failed."), backoff, details.FirstAttemptAt)
                    : details.Failure is { } failure
                        ? LocalActivityOutcome.Failed(call.Seq, details.Attempts, failure, details.FirstAttemptAt)
                        : LocalActivityOutcome.Completed(call.Seq, details.Attempts, details.Result, details.FirstAttemptAt));
            }
            else if (recorded.WithSeq(call.Seq) is { } other)
            {
                throw new NonDeterminismException(
                    $"Non-determinism at event {other.EventId}: history holds {CommandMatcher.Describe(other)} but the workflow code called local activity '{call.Name}' (seq {call.Seq}).",
                    other.EventId);
            }
        }
        return outcomes;
    }

    /// <summary>
    /// Applies what came of a local activity: its marker command, then its result or failure for the waiting code; or, for a
    /// back-off, the marker and a durable timer (<c>StartTimer</c>) after which it is ready again with its next attempt.
    /// </summary>
    public void ResolveLocalActivity(LocalActivityOutcome outcome)
    {
        _ensureOnScheduler("a local activity's outcome");
        if (!_localActivities.TryGetValue(outcome.Seq, out var call) || !_pending.ContainsKey(outcome.Seq))
        {
            return; // ended by a cancel request meanwhile
        }
        if (outcome.Backoff is { } backoff)
        {
            var timerSeq = _nextSeq++;
            AddCommand(Marker(new LocalActivityMarkerDetails(call.Seq, call.Name, outcome.Attempts, null, outcome.Failure, backoff, timerSeq, outcome.FirstAttemptAt)));
            AddCommand(new StartTimerCommand(timerSeq, backoff));
            call.Attempt = outcome.Attempts + 1;
            call.FirstAttemptAt = outcome.FirstAttemptAt;
            call.BackoffTimerSeq = timerSeq;
            _pending.Add(timerSeq, new PendingOperation(timerSeq, OperationKind.Timer, call.Name)
            {
                OnFired = () => call.BackoffTimerSeq = null, DueAt = UtcNow + backoff,
            });
            return;
        }
        AddCommand(Marker(new LocalActivityMarkerDetails(call.Seq, call.Name, outcome.Attempts, outcome.Failure is null ? outcome.Result : null, outcome.Failure,
            FirstAttemptAt: outcome.Attempts > 1 ? outcome.FirstAttemptAt : null)));
        _localActivities.Remove(call.Seq);
        _pending.Remove(call.Seq);
        if (outcome.Failure is { } failure)
        {
            call.Completion.TrySetException(new ActivityFailedException(call.Name, failure.Type, outcome.Attempts, failure.Message));
        }
        else
        {
            call.Completion.TrySetResult(outcome.Result);
        }
    }

    private static RecordMarkerCommand Marker(LocalActivityMarkerDetails details) =>
        new(LocalActivityMarkerDetails.MarkerName, JsonSerializer.SerializeToElement(details, HistoryJson.Options));

    /// <summary>
    /// <c>SideEffect</c>: the first time the code reaches it, <paramref name="run"/> gives the value, recorded as a
    /// <c>sideEffect</c> marker; on replay the recorded value, without running it. One that throws fails the workflow task.
    /// </summary>
    public JsonElement? SideEffect(Func<JsonElement?> run)
    {
        _ensureOnScheduler("SideEffect");
        var seq = _nextSeq++;
        JsonElement? value;
        if (IsReplaying)
        {
            if (Recorded?.SideEffect(seq) is not { } marker)
            {
                var position = _commands.Count;
                var there = Recorded?.At(position);
                var eventId = there?.EventId ?? Recorded?.EndEventId ?? HistoryLength;
                var failure = new NonDeterminismException(
                    $"Non-determinism at event {eventId}: history holds {(there is null ? "no command event there" : CommandMatcher.Describe(there))} but the workflow code called SideEffect (seq {seq}), whose value it has to replay.",
                    eventId);
                TaskFailure ??= failure;
                throw failure;
            }
            value = RecordedMarkers.Details(marker) is { } details && CommandMatcher.Json(details, "value") is { } recorded ? recorded : null;
        }
        else
        {
            try
            {
                value = run();
            }
            catch (Exception ex)
            {
                var failure = new SideEffectFailedException(seq, ex);
                TaskFailure ??= failure;
                throw failure;
            }
        }
        AddCommand(new RecordMarkerCommand(SideEffectMarkerDetails.MarkerName, JsonSerializer.SerializeToElement(new SideEffectMarkerDetails(seq, value), HistoryJson.Options)));
        return value;
    }
}

/// <summary>A <c>SideEffect</c> function threw: the workflow task fails (the run stays open) and the function runs again when the task is retried.</summary>
internal sealed class SideEffectFailedException(int seq, Exception inner)
    : Exception($"SideEffect (seq {seq}) threw {inner.GetType().Name}: {inner.Message} The workflow task fails and is retried; nothing was recorded.", inner);
