using Orchestrator.Contracts.Commands;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Decider;

/// <summary>The options of child workflows a parent starts.</summary>
internal static partial class RunDecider
{
    /// <summary>
    /// Why a child's id reuse policy refuses its id (the latest run of that id, closed: an open one is refused before), or
    /// null when it may start: <c>RejectDuplicate</c> refuses any closed run, <c>AllowDuplicateFailedOnly</c> a completed one.
    /// </summary>
    private static string? ReuseRefused(StartChildWorkflowCommand command, IReadOnlyDictionary<string, string> latest)
    {
        if (command.IdReusePolicy is null || !latest.TryGetValue(command.WorkflowId, out var status))
        {
            return null;
        }
        return command.IdReusePolicy switch
        {
            "RejectDuplicate" => $"Workflow id '{command.WorkflowId}' has a closed run ({status}) and the id reuse policy is RejectDuplicate.",
            "AllowDuplicateFailedOnly" when status is RunStatus.Completed or RunStatus.ContinuedAsNew =>
                $"Workflow id '{command.WorkflowId}' has a run that completed ({status}) and the id reuse policy is AllowDuplicateFailedOnly.",
            _ => null,
        };
    }
}
