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

    /// <summary>
    /// The earliest time something of this run falls due: a timer, an activity retry, an attempt's heartbeat or start-to-close
    /// deadline (only an attempt suspended on the virtual clock is still dispatched once the environment is at rest), a
    /// workflow task retry.
    /// </summary>
    public DateTime? NextDue()
    {
        DateTime? next = null;
        void Take(DateTime at) => next = next is { } n && n <= at ? n : at;
        foreach (var t in Timers.Values)
        {
            Take(t.FireAt);
        }
        foreach (var a in Activities.Values.Where(Checked))
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
        foreach (var a in Activities.Values.Where(a => Checked(a) && a.DispatchAfter <= now).OrderBy(a => a.ScheduledEventId).ToList())
        {
            yield return new ActivityDueTrigger(a.ScheduledEventId);
        }
        if (Task is { State: TaskState.Scheduled } task && task.DispatchAfter <= now)
        {
            yield return new WorkflowTaskDueTrigger();
        }
    }

    /// <summary>The activity rows the engine's sweeper looks at when they fall due: waiting to be sent, or sent and running (or being canceled).</summary>
    private static bool Checked(ActivityTaskRow row) => row.State is TaskState.Scheduled or TaskState.Dispatched or TaskState.Canceling;
}
