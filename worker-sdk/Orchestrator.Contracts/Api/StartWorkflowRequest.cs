using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.Api;

/// <summary>The body of <c>POST /api/v1/workflows</c>.</summary>
/// <param name="WorkflowType">The workflow type name. Required.</param>
/// <param name="WorkflowId">The workflow id; default: one the engine makes up.</param>
/// <param name="TaskQueue">The task queue whose workers run the workflow; default <c>default</c>.</param>
/// <param name="Input">The input, any JSON value.</param>
/// <param name="IdReusePolicy">Whether the id of a closed run may be used again; default <see cref="WorkflowIdReusePolicy.AllowDuplicate"/>.</param>
/// <param name="RunTimeout">Limit of each run (a TimeSpan such as <c>"00:05:00"</c>); default none.</param>
/// <param name="RetryPolicy">Retries of the whole run when it fails; default none.</param>
/// <param name="SearchAttributes">Registered search attributes and their values (e.g. <c>{"CustomerId":"c-1"}</c>); default none.</param>
public sealed record StartWorkflowRequest(
    string WorkflowType,
    string? WorkflowId = null,
    string? TaskQueue = null,
    JsonElement? Input = null,
    WorkflowIdReusePolicy? IdReusePolicy = null,
    TimeSpan? RunTimeout = null,
    RetryPolicyInfo? RetryPolicy = null,
    IReadOnlyDictionary<string, JsonElement>? SearchAttributes = null);
