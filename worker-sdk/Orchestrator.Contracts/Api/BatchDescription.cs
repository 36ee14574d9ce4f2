namespace Orchestrator.Contracts.Api;

/// <summary>The answer of <c>GET /api/v1/batches/{batchId}</c>: the batch and its progress.</summary>
/// <param name="BatchId">The batch id.</param>
/// <param name="State">Running, Completed or Canceled.</param>
/// <param name="Total">How many runs it targets (the open runs that matched its query when it was created).</param>
/// <param name="Done">Runs acted on.</param>
/// <param name="Failed">Runs that could not be acted on (e.g. closed before the batch reached them); <see cref="Failures"/> says why.</param>
/// <param name="Failures">The first failures (at most 100), in the batch's order.</param>
/// <param name="Operation">What it does to each run.</param>
/// <param name="Query">The query as given.</param>
/// <param name="SignalName">The signal's name (operation <c>signal</c>).</param>
/// <param name="Reason">The reason recorded (operations <c>cancel</c> and <c>terminate</c>).</param>
/// <param name="MaxPerSecond">Its rate limit.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="ClosedAt">When it completed or was canceled.</param>
public sealed record BatchDescription(string BatchId, BatchState State, long Total, long Done, long Failed, IReadOnlyList<BatchFailure> Failures,
    BatchOperation Operation, string Query, string? SignalName, string? Reason, int MaxPerSecond, DateTimeOffset CreatedAt, DateTimeOffset? ClosedAt);

/// <summary>A run a batch could not act on.</summary>
/// <param name="WorkflowId">The workflow id.</param>
/// <param name="Detail">Why.</param>
/// <param name="RunId">The run it targeted.</param>
public sealed record BatchFailure(string WorkflowId, string Detail, string RunId);
