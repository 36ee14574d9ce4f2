using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.Api;

/// <summary>
/// The body of <c>POST /api/v1/workflows/update-with-start</c>: update the open run of <paramref name="WorkflowId"/>, or
/// start a run first when it has none (a started run stays started even when its validator then rejects the update).
/// </summary>
/// <param name="WorkflowType">The workflow type of the run to start. Required.</param>
/// <param name="WorkflowId">The workflow id. Required.</param>
/// <param name="UpdateName">The update's name. Required.</param>
/// <param name="TaskQueue">The task queue of a started run; default <c>default</c>.</param>
/// <param name="Input">The input of a started run, any JSON value (unused when a run is open).</param>
/// <param name="UpdateInput">The update's argument, any JSON value.</param>
/// <param name="UpdateId">The update's id (the same id is applied once); default a new UUID.</param>
/// <param name="SearchAttributes">Search attributes of a started run (names to string, number, boolean or arrays of them).</param>
/// <param name="RunTimeout">Limit of each run of a started workflow (a TimeSpan such as <c>"00:05:00"</c>); default none.</param>
/// <param name="RetryPolicy">Retries of a started workflow's run when it fails; default none.</param>
public sealed record UpdateWithStartRequest(
    string WorkflowType,
    string WorkflowId,
    string UpdateName,
    string? TaskQueue = null,
    JsonElement? Input = null,
    JsonElement? UpdateInput = null,
    string? UpdateId = null,
    IReadOnlyDictionary<string, JsonElement>? SearchAttributes = null,
    TimeSpan? RunTimeout = null,
    RetryPolicyInfo? RetryPolicy = null);
