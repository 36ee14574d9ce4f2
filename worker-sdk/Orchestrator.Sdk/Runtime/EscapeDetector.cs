using System.Diagnostics.Tracing;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// Watches the TPL and framework event sources for workflow code that leaves its scheduler while an activation runs on the
/// current thread: a task queued to another scheduler (<c>Task.Run</c>), a real timer (<c>Task.Delay</c>), a continuation sent to
/// the thread pool (<c>ConfigureAwait(false)</c>). Events are delivered synchronously on the writing thread, so a thread-static
/// "running instance" is enough to attribute them.
/// </summary>
internal sealed class EscapeDetector : EventListener
{
    private const int TaskScheduledFirst = 7;
    private const int TaskScheduledLast = 11;
    private const int AwaitTaskContinuationScheduled = 12;
    private const EventKeywords TplTasks = (EventKeywords)2;
    private const EventKeywords FrameworkThreadTransfer = (EventKeywords)0x10;
    private const EventTask ThreadTransferTask = (EventTask)3;
    private static readonly Lazy<EscapeDetector> Singleton = new(() => new EscapeDetector(), LazyThreadSafetyMode.ExecutionAndPublication);

    public const string TaskRunMessage =
        "Workflow code scheduled work outside the workflow scheduler (Task.Run, Task.Factory.StartNew, Parallel, a thread). "
        + "Workflow code must stay on its scheduler: move the work into an activity (context.ExecuteActivityAsync).";

    public const string TimerMessage =
        "Workflow code started a real timer (Task.Delay, System.Threading.Timer, CancelAfter). Use context.DelayAsync for a durable timer.";

    public const string ConfigureAwaitMessage =
        "Workflow code awaited with ConfigureAwait(false), which continues on the thread pool. Remove ConfigureAwait(false) from workflow code.";

    private EscapeDetector()
    {
    }

    /// <summary>Makes sure the process-wide listener exists.</summary>
    public static void EnsureStarted() => _ = Singleton.Value;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "System.Threading.Tasks.TplEventSource")
        {
            EnableEvents(eventSource, EventLevel.Informational, TplTasks);
        }
        else if (eventSource.Name == "System.Diagnostics.Eventing.FrameworkEventSource")
        {
            EnableEvents(eventSource, EventLevel.Informational, FrameworkThreadTransfer);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (WorkflowInstance.Running is not { } instance || TaskScheduler.Current != instance)
        {
            return;
        }
        if (eventData.Task == ThreadTransferTask && eventData.EventSource.Name == "System.Diagnostics.Eventing.FrameworkEventSource")
        {
            instance.ReportEscape(TimerMessage);
            return;
        }
        if (eventData.EventId is >= TaskScheduledFirst and <= TaskScheduledLast)
        {
            if (eventData.Payload is { Count: > 0 } payload && payload[0] is int schedulerId)
            {
                if (schedulerId != instance.Id)
                {
                    instance.ReportEscape(TaskRunMessage);
                }
                else if (eventData.EventId == TaskScheduledFirst)
                {
                    instance.UnplacedContinuation = false; // e.g. Task.Yield: the continuation came to our scheduler
                }
            }
        }
        else if (eventData.EventId == AwaitTaskContinuationScheduled)
        {
            if (instance.UnplacedContinuation)
            {
                instance.ReportEscape(ConfigureAwaitMessage);
            }
            instance.UnplacedContinuation = true;
        }
    }
}
