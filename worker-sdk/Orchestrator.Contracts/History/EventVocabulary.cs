namespace Orchestrator.Contracts.History;

/// <summary>
/// The rules of the event vocabulary, in one place for the engine and the SDK: which events the workflow's commands
/// become, which close a run, and which only inform. (A command's event type: <see cref="Commands.WorkflowCommand.EventType"/>.)
/// </summary>
public static class EventVocabulary
{
    /// <summary>Whether events of this type are written for commands (they follow a <c>WorkflowTaskCompleted</c>, in command order).</summary>
    public static bool IsCommandEvent(string eventType) => eventType switch
    {
        EventTypes.ActivityScheduled or EventTypes.TimerStarted or EventTypes.TimerCanceled or EventTypes.ChildWorkflowStarted
            or EventTypes.MarkerRecorded or EventTypes.SearchAttributesUpserted or EventTypes.WorkflowUpdateCompleted
            or EventTypes.ExternalSignalRequested or EventTypes.ExternalCancelRequested or EventTypes.ActivityCancelRequested => true,
        _ => IsClosingCommandEvent(eventType),
    };

    /// <summary>Whether the workflow code closes its run with this command's event (complete, fail, cancel, continue as new).</summary>
    public static bool IsClosingCommandEvent(string eventType) => eventType is EventTypes.WorkflowCompleted or EventTypes.WorkflowFailed
        or EventTypes.WorkflowCanceled or EventTypes.WorkflowContinuedAsNew;

    /// <summary>Whether this event closes a run: by its code, or by the engine (terminate, run timeout).</summary>
    public static bool IsClosing(string eventType) => IsClosingCommandEvent(eventType) || eventType is EventTypes.WorkflowTerminated or EventTypes.WorkflowTimedOut;

    /// <summary>
    /// Events that only inform (the workflow code waits for none of them): they need no workflow task of their own and
    /// are recorded before the next task's <c>WorkflowTaskStarted</c>.
    /// </summary>
    public static bool IsInformational(string eventType) => eventType == EventTypes.ActivityAttemptFailed;

    /// <summary>Whether a command closes the run (<see cref="IsClosingCommandEvent"/> of its event type).</summary>
    internal static bool IsClosing(Commands.WorkflowCommand command) => IsClosingCommandEvent(command.EventType);
}
