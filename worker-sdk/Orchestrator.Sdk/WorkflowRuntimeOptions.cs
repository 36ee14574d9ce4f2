using System.Text.Json;

namespace Orchestrator.Sdk;

/// <summary>Settings of the workflow replay runtime.</summary>
public sealed class WorkflowRuntimeOptions
{
    /// <summary>Serializer of workflow inputs and results, activity arguments and results, signals. Default: System.Text.Json web defaults (camelCase).</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; init; } = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// How long workflow code may run without yielding (awaiting a workflow API) before its workflow task fails as deadlocked.
    /// Default 2 seconds. <see cref="Timeout.InfiniteTimeSpan"/> disables the check.
    /// </summary>
    public TimeSpan DeadlockTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether to watch the TPL event source for workflow code that leaves the workflow scheduler
    /// (<c>Task.Run</c>, <c>Task.Delay</c>, <c>ConfigureAwait(false)</c>). Default true. Enabling the TPL event source costs a little
    /// on every task operation in the process; code that calls workflow APIs from another scheduler is caught either way.
    /// </summary>
    public bool DetectEscapes { get; init; } = true;
}
