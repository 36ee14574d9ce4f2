using System.Text.Json;

namespace Orchestrator.Contracts.Api;

/// <summary>
/// A workflow run as <c>GET /api/v1/workflows/{workflowId}</c> describes it (also one row of the list and the body of
/// <c>.../result</c>; those leave <paramref name="PendingActivities"/> and <paramref name="PendingWorkflowTask"/> null).
/// </summary>
/// <param name="WorkflowId">The workflow id.</param>
/// <param name="RunId">The run id.</param>
/// <param name="WorkflowType">The workflow type name.</param>
/// <param name="TaskQueue">The task queue.</param>
/// <param name="Status">The run's state.</param>
/// <param name="Input">The input (JSON), if any.</param>
/// <param name="Result">The result (JSON) once completed.</param>
/// <param name="Failure">Why the run closed without a result.</param>
/// <param name="StartedAt">When the run started.</param>
/// <param name="ClosedAt">When it closed.</param>
/// <param name="PreviousRunId">The run it continued (continue-as-new, retry), if any.</param>
/// <param name="NextRunId">The run that continues it, if any.</param>
/// <param name="ParentWorkflowId">The parent's workflow id for a child workflow.</param>
/// <param name="ParentRunId">The parent's run id for a child workflow.</param>
/// <param name="HistoryLength">How many events the history holds.</param>
/// <param name="PendingActivities">The activities scheduled and not yet closed (describe of an open run only).</param>
/// <param name="PendingWorkflowTask">The open workflow task, if any (describe of an open run only).</param>
/// <param name="SearchAttributes">The run's search attributes (name to value); empty when it has none.</param>
/// <param name="ResetFromRunId">The run this one was reset from (<c>POST .../reset</c>), if any.</param>
/// <param name="ResetToRunId">The run this one was reset into (the latest, when it was reset more than once), if any.</param>
public sealed record WorkflowDescription(
    string WorkflowId,
    string RunId,
    string WorkflowType,
    string TaskQueue,
    WorkflowStatus Status,
    JsonElement? Input,
    JsonElement? Result,
    FailureInfo? Failure,
    DateTimeOffset StartedAt,
    DateTimeOffset? ClosedAt,
    string? PreviousRunId,
    string? NextRunId,
    string? ParentWorkflowId,
    string? ParentRunId,
    long HistoryLength,
    IReadOnlyList<PendingActivity>? PendingActivities = null,
    PendingWorkflowTask? PendingWorkflowTask = null,
    IReadOnlyDictionary<string, JsonElement>? SearchAttributes = null,
    string? ResetFromRunId = null,
    string? ResetToRunId = null)
{
    /// <summary>Whether the run is open.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsRunning => Status == WorkflowStatus.Running;
}
