using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.Api;

/// <summary>
/// The body of <c>POST /api/v1/workflows/signal-with-start</c>: signal the open run of <paramref name="WorkflowId"/>, or
/// start one whose first events carry the signal.
/// </summary>
/// <param name="WorkflowType">The workflow type of the run to start. Required.</param>
/// <param name="WorkflowId">The workflow id. Required.</param>
/// <param name="SignalName">The signal name. Required.</param>
/// <param name="TaskQueue">The task queue of a started run; default <c>default</c>.</param>
/// <param name="Input">The input of a started run, any JSON value (unused when a run is open).</param>
/// <param name="SignalInput">The signal's payload, any JSON value.</param>
/// <param name="SearchAttributes">Search attributes of a started run (names to string, number, boolean or arrays of them).</param>
/// <param name="RunTimeout">Limit of each run of a started workflow (a TimeSpan such as <c>"00:05:00"</c>); default none.</param>
/// <param name="RetryPolicy">Retries of a started workflow's run when it fails; default none.</param>
public sealed record SignalWithStartRequest(
    string WorkflowType,
    string WorkflowId,
    string SignalName,
    string? TaskQueue = null,
    JsonElement? Input = null,
    JsonElement? SignalInput = null,
    IReadOnlyDictionary<string, JsonElement>? SearchAttributes = null,
    TimeSpan? RunTimeout = null,
    RetryPolicyInfo? RetryPolicy = null);
