using Orchestrator.Contracts.Api;
using Orchestrator.Dashboard.History;

namespace Orchestrator.Dashboard.Waits;

/// <summary>One line per entry of <c>__stack_trace</c> (<see cref="WorkflowWait.Describe"/>), with times as the rest of the page shows them (<see cref="TimeFormat.Absolute"/>).</summary>
internal static class WaitText
{
    public static string Describe(WorkflowWait wait)
    {
        ArgumentNullException.ThrowIfNull(wait);
        return wait.Describe(due => TimeFormat.Absolute(due));
    }
}
