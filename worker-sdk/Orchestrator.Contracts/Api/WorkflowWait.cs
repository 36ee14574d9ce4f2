namespace Orchestrator.Contracts.Api;

/// <summary>
/// One thing a run's code waits on: an entry of the result of the built-in query <c>__stack_trace</c>
/// (<see cref="StackTraceQuery"/>), in the order the waits began.
/// </summary>
/// <param name="Kind">
/// <c>activity</c>, <c>localActivity</c> (one the worker runs, retries or waits to retry), <c>timer</c>, <c>signal</c> (a <c>WaitForSignalAsync</c>), <c>condition</c> (a <c>WaitConditionAsync</c>),
/// <c>child</c> (a child workflow), or <c>update</c> (an accepted update whose handler still runs: the run waits for it
/// before it completes). Later versions may add kinds; show others as they are.
/// </param>
/// <param name="Name">The activity name, <c>timer</c>, the signal name, <c>condition</c>, the child's workflow type, or the update name.</param>
/// <param name="Seq">The command's sequence number in the run (activities, timers, children): <c>Ship (activity #3)</c>.</param>
/// <param name="DueAt">When a timer fires, or when the timeout of a signal or condition wait ends.</param>
/// <param name="Location">Where the workflow code called the API that waits, <c>OrderWorkflow.cs:40</c> (file name and line); null for an update.</param>
/// <param name="WorkflowId">A child's workflow id.</param>
/// <param name="UpdateId">An update's id.</param>
public sealed record WorkflowWait(
    string Kind,
    string Name,
    int? Seq = null,
    DateTimeOffset? DueAt = null,
    string? Location = null,
    string? WorkflowId = null,
    string? UpdateId = null)
{
    /// <summary>
    /// The name of the built-in query every workflow answers with the list of its waits (<c>WorkflowWait[]</c>), on any
    /// worker that can replay it: <c>POST /api/v1/workflows/{workflowId}/queries/__stack_trace</c>. A closed run waits on nothing.
    /// </summary>
    public const string StackTraceQuery = "__stack_trace";

    /// <summary>
    /// The wait as one line for a person: <c>Ship (activity #3) at OrderWorkflow.cs:40</c>, <c>timer #5, due ...</c>,
    /// <c>signal "release"</c>, <c>a condition, until ...</c>, <c>child OrderChild (order-1-child-7)</c>, <c>update AddItem (u-1)
    /// still running</c>, <c>signal "paid" to order-42</c>; a kind this version does not know as <c>kind name</c>.
    /// </summary>
    /// <param name="formatTime">How to show <see cref="DueAt"/>.</param>
    /// <returns>The line.</returns>
    public string Describe(Func<DateTimeOffset, string> formatTime)
    {
        ArgumentNullException.ThrowIfNull(formatTime);
        var seq = Seq is { } n ? " #" + n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        var until = DueAt is { } due ? ", until " + formatTime(due) : "";
        var what = Kind switch
        {
            "activity" => $"{Name} (activity{seq})",
            "localActivity" => $"{Name} (local activity{seq})",
            "timer" => "timer" + seq + (DueAt is { } at ? ", due " + formatTime(at) : ""),
            "signal" => $"signal \"{Name}\"" + until,
            "condition" => "a condition" + until,
            "child" => $"child {Name}" + (string.IsNullOrEmpty(WorkflowId) ? "" : $" ({WorkflowId})"),
            "update" => $"update {Name}" + (string.IsNullOrEmpty(UpdateId) ? "" : $" ({UpdateId})") + " still running",
            "signalExternal" => $"signal \"{Name}\" to {WorkflowId}",
            "cancelExternal" => $"cancel request to {WorkflowId}",
            _ => $"{Kind} {Name}".Trim(),
        };
        return string.IsNullOrEmpty(Location) ? what : $"{what} at {Location}";
    }
}
