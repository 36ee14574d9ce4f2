using System.Text.Json.Serialization;

namespace Orchestrator.Contracts.Commands;

/// <summary>
/// A decision of workflow code, returned by the worker when it completes a workflow task. The engine appends exactly
/// one history event per command, in command order, right after <c>WorkflowTaskCompleted</c>.
/// JSON: an object with a <c>"type"</c> discriminator (the record name without <c>Command</c>, e.g. <c>"ScheduleActivity"</c>).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ScheduleActivityCommand), "ScheduleActivity")]
[JsonDerivedType(typeof(StartTimerCommand), "StartTimer")]
[JsonDerivedType(typeof(CancelTimerCommand), "CancelTimer")]
[JsonDerivedType(typeof(StartChildWorkflowCommand), "StartChildWorkflow")]
[JsonDerivedType(typeof(RecordMarkerCommand), "RecordMarker")]
[JsonDerivedType(typeof(CompleteWorkflowCommand), "CompleteWorkflow")]
[JsonDerivedType(typeof(FailWorkflowCommand), "FailWorkflow")]
[JsonDerivedType(typeof(CancelWorkflowCommand), "CancelWorkflow")]
[JsonDerivedType(typeof(ContinueAsNewCommand), "ContinueAsNew")]
[JsonDerivedType(typeof(UpsertSearchAttributesCommand), "UpsertSearchAttributes")]
[JsonDerivedType(typeof(CompleteUpdateCommand), "CompleteUpdate")]
[JsonDerivedType(typeof(SignalExternalWorkflowCommand), "SignalExternalWorkflow")]
[JsonDerivedType(typeof(RequestCancelExternalWorkflowCommand), "RequestCancelExternalWorkflow")]
[JsonDerivedType(typeof(ContinueInNewTaskCommand), "ContinueInNewTask")]
[JsonDerivedType(typeof(RequestCancelActivityCommand), "RequestCancelActivity")]
internal abstract record WorkflowCommand
{
    /// <summary>The history event type (<see cref="History.EventTypes"/>) this command becomes.</summary>
    [JsonIgnore]
    public abstract string EventType { get; }
}
