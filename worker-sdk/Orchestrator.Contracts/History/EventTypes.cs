namespace Orchestrator.Contracts.History;

/// <summary>The history event vocabulary (the <c>eventType</c> of an event). Names are a public contract: add, never rename.</summary>
public static class EventTypes
{
#pragma warning disable CS1591 // the names say it all
    public const string WorkflowStarted = nameof(WorkflowStarted);
    public const string WorkflowTaskScheduled = nameof(WorkflowTaskScheduled);
    public const string WorkflowTaskStarted = nameof(WorkflowTaskStarted);
    public const string WorkflowTaskCompleted = nameof(WorkflowTaskCompleted);
    public const string WorkflowTaskFailed = nameof(WorkflowTaskFailed);
    public const string ActivityScheduled = nameof(ActivityScheduled);
    public const string ActivityStarted = nameof(ActivityStarted);
    public const string ActivityCompleted = nameof(ActivityCompleted);
    public const string ActivityFailed = nameof(ActivityFailed);
    public const string ActivityTimedOut = nameof(ActivityTimedOut);
    public const string TimerStarted = nameof(TimerStarted);
    public const string TimerFired = nameof(TimerFired);
    public const string TimerCanceled = nameof(TimerCanceled);
    public const string SignalReceived = nameof(SignalReceived);
    public const string ChildWorkflowStarted = nameof(ChildWorkflowStarted);
    public const string ChildWorkflowCompleted = nameof(ChildWorkflowCompleted);
    public const string ChildWorkflowFailed = nameof(ChildWorkflowFailed);
    public const string MarkerRecorded = nameof(MarkerRecorded);
    public const string WorkflowCancelRequested = nameof(WorkflowCancelRequested);
    public const string WorkflowCompleted = nameof(WorkflowCompleted);
    public const string WorkflowFailed = nameof(WorkflowFailed);
    public const string WorkflowCanceled = nameof(WorkflowCanceled);
    public const string WorkflowTerminated = nameof(WorkflowTerminated);
    public const string WorkflowContinuedAsNew = nameof(WorkflowContinuedAsNew);
    public const string WorkflowTimedOut = nameof(WorkflowTimedOut);
    public const string ActivityAttemptFailed = nameof(ActivityAttemptFailed);
    public const string SearchAttributesUpserted = nameof(SearchAttributesUpserted);
    public const string WorkflowUpdateAccepted = nameof(WorkflowUpdateAccepted);
    public const string WorkflowUpdateCompleted = nameof(WorkflowUpdateCompleted);
    public const string ExternalSignalRequested = nameof(ExternalSignalRequested);
    public const string ExternalSignalCompleted = nameof(ExternalSignalCompleted);
    public const string ExternalSignalFailed = nameof(ExternalSignalFailed);
    public const string ExternalCancelRequested = nameof(ExternalCancelRequested);
    public const string ExternalCancelCompleted = nameof(ExternalCancelCompleted);
    public const string ExternalCancelFailed = nameof(ExternalCancelFailed);
    public const string ActivityCancelRequested = nameof(ActivityCancelRequested);
    public const string ActivityCanceled = nameof(ActivityCanceled);
#pragma warning restore CS1591
}
