using Orchestrator.Contracts.Api;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// Where workflow code called a workflow API that waits: the compiler's caller file path and line (no stack walk, no PDB,
/// nothing at run time but two fields), shown as <c>OrderWorkflow.cs:40</c> by <c>__stack_trace</c>.
/// </summary>
internal readonly record struct CodeLocation(string? FilePath, int Line)
{
    /// <summary>The file name (of a path written on any OS) and the line; null when the compiler gave none.</summary>
    public string? Location => string.IsNullOrEmpty(FilePath) || Line <= 0
        ? null
        : $"{FilePath[(FilePath.LastIndexOfAny(['/', '\\']) + 1)..]}:{Line}";
}

/// <summary>The answer of the built-in query <c>__stack_trace</c>: what each branch of a run's code waits on, in the order the waits began.</summary>
internal static class WorkflowWaits
{
    /// <summary>One wait with the order it began in (<see cref="WorkflowState.NextWaitOrder"/>).</summary>
    internal readonly record struct Entry(long Order, WorkflowWait Wait);

    public static IReadOnlyList<WorkflowWait> Collect(WorkflowState state, WorkflowHandlers? handlers)
    {
        var entries = new List<Entry>();
        state.AddWaits(entries);
        state.Signals.AddWaits(entries);
        state.Conditions.AddWaits(entries);
        handlers?.AddWaits(entries);
        return entries.OrderBy(e => e.Order).Select(e => e.Wait).ToList();
    }
}
