using System.Text.Json;

namespace Orchestrator.Contracts.Api;

/// <summary>
/// An update's state, as <c>POST /api/v1/workflows/{workflowId}/updates/{updateName}</c>, <c>GET .../updates/{updateId}</c>
/// and <c>POST /api/v1/workflows/update-with-start</c> give it.
/// </summary>
/// <param name="UpdateId">The update's id (the caller's, or the UUID the engine chose).</param>
/// <param name="Status"><c>Accepted</c> (its handler has not finished yet: ask again by id), <c>Completed</c> or <c>Failed</c>.</param>
/// <param name="Result">With <c>Completed</c>: what the update's handler returned, as JSON.</param>
/// <param name="Failure">With <c>Failed</c>: what the handler threw, or why the run ended first (type <c>RunClosed</c>).</param>
/// <param name="RunId">The run that accepted the update.</param>
/// <param name="Started">Update-with-start only: true when the call started that run.</param>
public sealed record WorkflowUpdateResponse(string UpdateId, string Status, JsonElement? Result = null, FailureInfo? Failure = null, string? RunId = null,
    bool? Started = null);
