using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Testing.InMemory;

/// <summary>One run's rows, as the engine's tables hold them (<c>workflow_runs</c>, <c>workflow_tasks</c>, <c>activity_tasks</c>, ...).</summary>
internal sealed class MemoryRun(WorkflowRunRecord run)
{
    public WorkflowRunRecord Run { get; set; } = run;

    public WorkflowTaskRow? Task { get; set; }

    public Dictionary<long, ActivityTaskRow> Activities { get; } = [];

    public List<BufferedEventRow> Buffered { get; } = [];

    public Dictionary<string, TimerRow> Timers { get; } = [];

    public List<StoredEvent> History { get; } = [];

    public bool IsOpen => Run.Status == RunStatus.Running;

    /// <summary>The earliest time something of this run falls due: a timer, an activity retry, a workflow task retry.</summary>
    public DateTime? NextDue()
    {
        DateTime? next = null;
        void Take(DateTime at) => next = next is { } n && n <= at ? n : at;
        foreach (var t in Timers.Values)
        {
            Take(t.FireAt);
        }
        foreach (var a in Activities.Values.Where(a => a.State == TaskState.Scheduled))
        {
            Take(a.DispatchAfter);
        }
        if (Task is { State: TaskState.Scheduled } task)
        {
            Take(task.DispatchAfter);
        }
        return next;
    }

    /// <summary>The triggers due at <paramref name="now"/>, in the order the engine's sweeper and timer poller would find them.</summary>
    public IEnumerable<RunTrigger> DueTriggers(DateTime now)
    {
        if (Timers.Values.Any(t => t.FireAt <= now))
        {
            yield return new TimersDueTrigger();
        }
        foreach (var a in Activities.Values.Where(a => a.State == TaskState.Scheduled && a.DispatchAfter <= now).OrderBy(a => a.ScheduledEventId).ToList())
        {
            yield return new ActivityDueTrigger(a.ScheduledEventId);
        }
        if (Task is { State: TaskState.Scheduled } task && task.DispatchAfter <= now)
        {
            yield return new WorkflowTaskDueTrigger();
        }
    }
}
