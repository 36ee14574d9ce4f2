using System.Diagnostics;

namespace Orchestrator.Sdk.Hosting;

/// <summary>The worker's tracing: one span per workflow task and per activity attempt, continuing the run's trace (its <c>TraceParent</c>).</summary>
internal static class WorkerDiagnostics
{
    /// <summary>The name of the worker's <see cref="ActivitySource"/>; add it to an OpenTelemetry tracer to export the spans.</summary>
    public const string SourceName = "Orchestrator.Worker";

    public const string WorkflowIdTag = "orchestrator.workflow.id";
    public const string RunIdTag = "orchestrator.run.id";
    public const string WorkflowTypeTag = "orchestrator.workflow.type";
    public const string TaskQueueTag = "orchestrator.task_queue";
    public const string ScheduledEventIdTag = "orchestrator.scheduled_event_id";
    public const string AttemptTag = "orchestrator.attempt";
    public const string ActivityNameTag = "orchestrator.activity.name";
    public const string FailureTypeTag = "orchestrator.failure.type";
    public const string ContinuedTag = "orchestrator.workflow_task.continued"; // run right after its activity, answered with the result

    public static readonly ActivitySource Source = new(SourceName, typeof(WorkerDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Starts the span of one task of a run (a workflow task or an activity attempt) with the tags every such span has, and
    /// <paramref name="kindTag"/> (workflow type or activity name).
    /// </summary>
    public static Activity? StartTask(string name, string? traceParent, string workflowId, Guid runId, string? taskQueue, long scheduledEventId,
        int attempt, (string Key, object Value) kindTag)
    {
        var span = Start(name, traceParent);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(WorkflowIdTag, workflowId);
            span.SetTag(RunIdTag, runId);
            span.SetTag(kindTag.Key, kindTag.Value);
            if (taskQueue is not null)
            {
                span.SetTag(TaskQueueTag, taskQueue);
            }
            span.SetTag(ScheduledEventIdTag, scheduledEventId);
            span.SetTag(AttemptTag, attempt);
        }
        return span;
    }

    /// <summary>Starts a consumer span whose parent is the W3C <paramref name="traceParent"/> (a new trace when absent or invalid).</summary>
    public static Activity? Start(string name, string? traceParent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        return traceParent is not null && ActivityContext.TryParse(traceParent, null, out var parent)
            ? Source.StartActivity(name, ActivityKind.Consumer, parent)
            : Source.StartActivity(name, ActivityKind.Consumer);
    }

    /// <summary>Marks <paramref name="activity"/> failed with <paramref name="failureType"/>.</summary>
    public static void SetFailure(Activity? activity, string failureType, string message)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(FailureTypeTag, failureType);
            activity.SetStatus(ActivityStatusCode.Error, message);
        }
    }
}
