using System.Text.Json;

namespace Orchestrator.Contracts.Api;

/// <summary>The body of <c>POST /api/v1/batches</c>.</summary>
/// <param name="Query">
/// The list query (docs/visibility.md) whose open runs the batch acts on, e.g. <c>WorkflowType = 'OrderWorkflow' AND StartTime &lt; '2026-11-01T00:00:00Z'</c>;
/// the runs are fixed when the batch is created (runs started later are not included).
/// </param>
/// <param name="Operation">What to do to each run.</param>
/// <param name="SignalName">The signal's name (operation <c>signal</c> only, and required there).</param>
/// <param name="Input">The signal's payload (operation <c>signal</c> only).</param>
/// <param name="Reason">Why: recorded in each run's history (operations <c>cancel</c> and <c>terminate</c>; default <c>batch {batchId}</c>).</param>
/// <param name="MaxPerSecond">At most this many runs a second (default 50, at most 1000).</param>
public sealed record StartBatchRequest(string Query, BatchOperation Operation, string? SignalName = null, JsonElement? Input = null, string? Reason = null,
    int? MaxPerSecond = null);
