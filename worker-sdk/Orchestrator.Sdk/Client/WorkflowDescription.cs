using System.Text.Json;
using Orchestrator.Contracts;

namespace Orchestrator.Sdk;

/// <summary>A workflow run as <c>GET /api/v1/workflows/{workflowId}</c> describes it.</summary>
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
/// <param name="PreviousRunId">The run it continued (continue-as-new), if any.</param>
/// <param name="NextRunId">The run that continues it, if any.</param>
/// <param name="ParentWorkflowId">The parent's workflow id for a child workflow.</param>
/// <param name="ParentRunId">The parent's run id for a child workflow.</param>
/// <param name="HistoryLength">How many events the history holds.</param>
/// <param name="PendingActivities">The activities scheduled and not yet finished.</param>
public sealed record WorkflowDescription(
    string WorkflowId,
    string RunId,
    string WorkflowType,
    string TaskQueue,
    WorkflowStatus Status,
    JsonElement? Input = null,
    JsonElement? Result = null,
    FailureInfo? Failure = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? ClosedAt = null,
    string? PreviousRunId = null,
    string? NextRunId = null,
    string? ParentWorkflowId = null,
    string? ParentRunId = null,
    long HistoryLength = 0,
    IReadOnlyList<PendingActivityDescription>? PendingActivities = null);

/// <summary>An activity a run waits for.</summary>
/// <param name="ScheduledEventId">Its <c>ActivityScheduled</c> event id.</param>
/// <param name="ActivityName">The activity name.</param>
/// <param name="Attempt">The current attempt.</param>
/// <param name="StartedAt">When the current attempt started, if it has.</param>
/// <param name="LastFailure">The failure of the previous attempt, if any.</param>
/// <param name="NextAttemptAt">When the next attempt is due, while waiting for a retry.</param>
public sealed record PendingActivityDescription(
    long ScheduledEventId,
    string ActivityName,
    int Attempt,
    DateTimeOffset? StartedAt = null,
    FailureInfo? LastFailure = null,
    DateTimeOffset? NextAttemptAt = null);

/// <summary>A page of <see cref="OrchestratorClient.ListWorkflowsAsync"/>.</summary>
/// <param name="Workflows">The runs of this page.</param>
/// <param name="NextPageToken">The token of the next page; null on the last.</param>
public sealed record WorkflowListPage(IReadOnlyList<WorkflowDescription> Workflows, string? NextPageToken = null);
