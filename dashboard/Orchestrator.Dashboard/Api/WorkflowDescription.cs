using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Dashboard.Api;

/// <summary>The body of <c>GET /api/v1/workflows/{workflowId}</c> (and one row of the list).</summary>
public sealed record WorkflowDescription(
    string WorkflowId,
    string RunId,
    string WorkflowType,
    string? TaskQueue,
    string Status,
    JsonElement? Input = null,
    JsonElement? Result = null,
    FailureInfo? Failure = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? ClosedAt = null,
    string? PreviousRunId = null,
    string? NextRunId = null,
    string? ParentWorkflowId = null,
    string? ParentRunId = null,
    long? HistoryLength = null,
    IReadOnlyList<PendingActivity>? PendingActivities = null)
{
    public bool IsRunning => Status == WorkflowStatuses.Running;
}

/// <summary>An activity the engine is still working on (one entry of <c>pendingActivities</c>).</summary>
public sealed record PendingActivity(
    long ScheduledEventId,
    string ActivityName,
    int Attempt,
    DateTimeOffset? StartedAt = null,
    FailureInfo? LastFailure = null,
    DateTimeOffset? NextAttemptAt = null);

/// <summary>The body of <c>GET /api/v1/workflows</c>.</summary>
public sealed record WorkflowListPage(IReadOnlyList<WorkflowDescription> Workflows, string? NextPageToken = null);

/// <summary>The body of <c>GET /api/v1/workflows/counts</c>.</summary>
public sealed record WorkflowCounts(IReadOnlyDictionary<string, long> Counts);

/// <summary>The list filters; null or empty = any.</summary>
public sealed record WorkflowFilter(string? Status = null, string? WorkflowType = null, string? WorkflowIdPrefix = null);
