using System.Net;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Dashboard.Api;

/// <summary>
/// The engine's answer to a call: the value on success, else the status and the problem's text, and for a bad list query the
/// problem's <paramref name="Position"/> (0-based offset in the query).
/// </summary>
public sealed record ApiResult<T>(HttpStatusCode StatusCode, T? Value, string? Error, int? Position = null)
{
    public bool IsSuccess => Error is null;
}

/// <summary>The engine's answer to an action (signal, cancel, terminate), or the dashboard's refusal (<paramref name="ByDashboard"/>) when it was not sent.</summary>
public sealed record ActionResult(HttpStatusCode StatusCode, string Message, bool ByDashboard = false)
{
    public bool IsSuccess => (int)StatusCode is >= 200 and < 300;
}

/// <summary>
/// The answer to an update: <see cref="Answer"/> as for every action (the status line, the problem, or the dashboard's refusal) and, when the
/// engine took the update (200, 202), its state: <c>Completed</c> with the handler's result, <c>Failed</c> with its failure, or <c>Accepted</c>.
/// </summary>
public sealed record UpdateResult(ActionResult Answer, WorkflowUpdateResponse? Update = null);

/// <summary>The answer to starting a batch: <see cref="Answer"/> as for every action and, when the engine took it (201), the batch; a bad query's <paramref name="Position"/>.</summary>
public sealed record BatchStartResult(ActionResult Answer, StartBatchResponse? Batch = null, int? Position = null);

/// <summary>The answer to canceling a batch: <see cref="Answer"/> as for every action and, when the engine took it, the batch as it is now.</summary>
public sealed record BatchCancelResult(ActionResult Answer, BatchDescription? Batch = null);
