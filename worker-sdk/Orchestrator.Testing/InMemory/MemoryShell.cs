using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Testing.InMemory;

/// <summary>
/// Plays the engine's <c>RunShell</c> in memory: builds the <see cref="RunSnapshot"/> a trigger needs from the rows held
/// here, asks the engine's own <see cref="RunDecider"/>, and applies the <see cref="RunEffects"/> it returns (a decision with
/// no effects changes nothing). Messages the decisions send wait in <see cref="Outbox"/> for the in-memory worker.
/// Not thread-safe: the environment calls it under its lock.
/// </summary>
internal sealed partial class MemoryShell(EngineSettings settings, Func<DateTime> clock)
{
    private readonly Dictionary<Guid, MemoryRun> _runs = [];
    private readonly Dictionary<string, Guid> _latest = new(StringComparer.Ordinal);
    private readonly Random _random = new(19);

    /// <summary>
    /// Workflow and activity task messages to deliver, and requests to other workflows (<see cref="ExternalDelivery"/>), in
    /// the order sent.
    /// </summary>
    public Queue<object> Outbox { get; } = new();

    public EngineSettings Settings => settings;

    public DateTime Now => clock();

    public IEnumerable<MemoryRun> Runs => _runs.Values;

    public MemoryRun? Latest(string workflowId) => _latest.TryGetValue(workflowId, out var id) ? _runs[id] : null;

    public MemoryRun? Get(Guid runId) => _runs.GetValueOrDefault(runId);

    private DecisionContext Context() => new(clock(), settings, newSeed: _random.NextInt64, jitter: _random.NextDouble);

    public WorkflowRunRecord Start(StartWorkflowRequest request, SignalTrigger? initialSignal = null)
    {
        var created = RunDecider.Start(request, Context(), initialSignal);
        Create(created);
        return created.Run;
    }

    /// <summary>Decides <paramref name="trigger"/> for the run and applies the effects; false when the run does not exist.</summary>
    public bool Execute(Guid runId, RunTrigger trigger)
    {
        if (!_runs.TryGetValue(runId, out var run))
        {
            return false;
        }
        var snapshot = Snapshot(run, trigger);
        var effects = RunDecider.Decide(snapshot, trigger, Context());
        if (!effects.IsEmpty)
        {
            Apply(run, snapshot, trigger, effects);
        }
        return true;
    }

    private RunSnapshot Snapshot(MemoryRun run, RunTrigger trigger)
    {
        var needs = trigger.Needs;
        var now = clock();
        var (childIds, canceledSeqs, reuseIds) = trigger switch
        {
            WorkflowTaskCompletedTrigger t => (t.ChildWorkflowIds, t.CanceledActivitySeqs, t.ReusePolicyChildIds),
            ActivityCompletedTrigger t => (t.ChildWorkflowIds, t.CanceledActivitySeqs, t.ReusePolicyChildIds),
            _ => ([], [], []),
        };
        ActivityTaskRow? activity = trigger is IActivityTrigger a && needs.HasFlag(SnapshotNeeds.Activity) ? run.Activities.GetValueOrDefault(a.ScheduledEventId) : null;
        IReadOnlyList<StoredEvent>? tail = needs.HasFlag(SnapshotNeeds.Tail) && run.Task is { State: TaskState.Idle } idle
            ? run.History.Where(e => e.EventId >= idle.EventsFrom).ToList()
            : null;
        return new RunSnapshot
        {
            Run = run.Run, Task = run.Task, Activity = activity, Tail = tail,
            Buffered = needs.HasFlag(SnapshotNeeds.TakeBuffered) || needs.HasFlag(SnapshotNeeds.ReadBuffered) ? run.Buffered.ToList() : [],
            DueTimers = needs.HasFlag(SnapshotNeeds.DueTimers)
                ? run.Timers.Values.Where(t => t.FireAt <= now).OrderBy(t => t.FireAt).Select(t => new TimerTaken(t.TimerKey, t.Payload)).ToList()
                : [],
            OpenWorkflowIds = childIds.Where(id => Latest(id) is { IsOpen: true }).ToHashSet(),
            LatestRunStatuses = run.IsOpen
                ? reuseIds.Distinct(StringComparer.Ordinal).Select(id => (id, Latest(id))).Where(l => l.Item2 is not null)
                    .ToDictionary(l => l.id, l => l.Item2!.Run.Status, StringComparer.Ordinal)
                : new Dictionary<string, string>(),
            CanceledActivities = run.IsOpen
                ? run.Activities.Values.Where(a => canceledSeqs.Contains(a.Seq)).OrderBy(a => a.ScheduledEventId).ToList()
                : [],
            Child = trigger is ChildClosedTrigger c ? Get(c.ChildRunId)?.Run : null,
        };
    }

    private void Apply(MemoryRun run, RunSnapshot snapshot, RunTrigger trigger, RunEffects effects)
    {
        var needs = trigger.Needs;
        var before = run.Run;
        // what the snapshot took is gone unless the decision puts it back (as the engine's DELETE ... RETURNING)
        if (needs.HasFlag(SnapshotNeeds.TakeBuffered) || effects.BufferedConsumed)
        {
            run.Buffered.RemoveAll(b => snapshot.Buffered.Contains(b));
        }
        foreach (var t in snapshot.DueTimers)
        {
            run.Timers.Remove(t.TimerKey);
        }
        var next = before.NextEventId;
        foreach (var e in effects.Events)
        {
            run.History.Add(new StoredEvent(next++, e.EventType, e.Timestamp, e.AttributesJson));
        }
        run.Run = run.Run with
        {
            NextEventId = next, CancelRequested = run.Run.CancelRequested || effects.SetCancelRequested,
            SearchAttributes = effects.SearchAttributes is { } attributes ? attributes.Json : run.Run.SearchAttributes,
        };
        foreach (var operation in effects.Operations)
        {
            switch (operation)
            {
                case NewRun created:
                    Create(created);
                    break;
                case CloseRun close:
                    run.Run = run.Run with { Status = close.Status, Result = close.Result, Failure = close.Failure, ClosedAt = close.ClosedAt, NextRunId = close.NextRunId };
                    run.Task = null;
                    run.Activities.Clear();
                    run.Timers.Clear();
                    run.Buffered.Clear();
                    FailUnfinishedUpdates(run.Run, effects);
                    ApplyParentClosePolicy(run.Run);
                    break;
            }
        }
        CompleteUpdates(run.Run, effects);
        RecordExternalRequests(run.Run, effects);
        if (run.IsOpen)
        {
            ApplyRows(run, effects);
        }
        foreach (var id in effects.MarkParentNotified)
        {
            if (Get(id) is { } marked)
            {
                marked.Run = marked.Run with { ParentNotified = true };
            }
        }
        foreach (var m in effects.ActivityMessages)
        {
            Outbox.Enqueue(m);
        }
        if (effects.SendTask && run.Task is { } task)
        {
            var stored = TaskMessages.NeedsStoredSlice(before, task, next)
                ? run.History.Where(e => e.EventId >= task.EventsFrom && e.EventId < before.NextEventId).ToList()
                : null;
            Outbox.Enqueue(TaskMessages.Build(before, task, effects.Events, stored));
        }
        // as RunShell: the parent hears of a close its child decided itself, not of one its own close policy caused
        if (effects.Close is { NextRunId: null } closed && closed.Status != RunStatus.ContinuedAsNew && before.ParentRunId is { } parent
            && trigger is not ParentClosedTrigger)
        {
            Execute(parent, new ChildClosedTrigger(before.RunId));
        }
    }

    /// <summary>
    /// The run closed: each open child (of any generation: a continued child keeps its parent) is terminated (the default),
    /// asked to cancel, or left running (<c>Abandon</c>), as <c>RunShell.ApplyParentClosePolicyAsync</c> does.
    /// </summary>
    private void ApplyParentClosePolicy(WorkflowRunRecord parent)
    {
        var children = _runs.Values.Where(r => r.IsOpen && r.Run.ParentRunId == parent.RunId).OrderBy(r => r.Run.StartedAt).ToList();
        foreach (var child in children.Where(c => c.Run.ParentClosePolicy != "Abandon"))
        {
            Execute(child.Run.RunId, new ParentClosedTrigger(parent.RunId, parent.Status, child.Run.ParentClosePolicy));
        }
    }

    private static void ApplyRows(MemoryRun run, RunEffects effects)
    {
        var nextBufferId = run.Buffered.Count == 0 ? 1 : run.Buffered.Max(b => b.Id) + 1;
        foreach (var b in effects.Buffer)
        {
            run.Buffered.Add(new BufferedEventRow(nextBufferId++, b.EventType, b.AttributesJson, b.OccurredAt));
        }
        if (effects.Task is { } task)
        {
            run.Task = task;
        }
        foreach (var a in effects.InsertActivities.Concat(effects.UpdateActivities))
        {
            run.Activities[a.ScheduledEventId] = a;
        }
        foreach (var id in effects.DeleteActivities)
        {
            run.Activities.Remove(id);
        }
        foreach (var key in effects.DeleteTimers)
        {
            run.Timers.Remove(key);
        }
        foreach (var t in effects.InsertTimers)
        {
            run.Timers[t.TimerKey] = t;
        }
    }

    private void Create(NewRun created)
    {
        var state = new MemoryRun(created.Run with { NextEventId = created.Events.Count + 1, CancelRequested = created.CancelRequested }) { Task = created.Task };
        var id = 1L;
        foreach (var e in created.Events)
        {
            state.History.Add(new StoredEvent(id++, e.EventType, e.Timestamp, e.AttributesJson));
        }
        if (created.RunTimeout is { } timer)
        {
            state.Timers[timer.TimerKey] = timer;
        }
        var bufferId = 1L;
        foreach (var b in created.Buffered ?? [])
        {
            state.Buffered.Add(new BufferedEventRow(bufferId++, b.EventType, b.AttributesJson, b.OccurredAt));
        }
        _runs[created.Run.RunId] = state;
        _latest[created.Run.WorkflowId] = created.Run.RunId;
        if (created.Message is { } message)
        {
            Outbox.Enqueue(message);
        }
    }

    /// <summary>Marks a sent workflow task confirmed by the broker, as the outbox relay does.</summary>
    public void ConfirmSent(WorkflowTaskMessage message)
    {
        if (Get(message.RunId) is { Task: { } task } run && task.ScheduledEventId == message.ScheduledEventId && task.Attempt == message.Attempt)
        {
            run.Task = task with { Sent = true };
        }
    }
}
