using System.Text.Json;
using Orchestrator.Contracts.History;

namespace Orchestrator.Engine.Api;

/// <summary>Body of <c>POST /api/v1/workflows</c>.</summary>
internal sealed record StartWorkflowBody(string? WorkflowType, string? WorkflowId, string? TaskQueue, JsonElement? Input, string? IdReusePolicy, TimeSpan? RunTimeout = null,
    Orchestrator.Contracts.Commands.RetryPolicyInfo? RetryPolicy = null);

/// <summary>Answer of a start.</summary>
internal sealed record StartWorkflowResponse(string WorkflowId, string RunId);

/// <summary>Body of <c>POST .../terminate</c> and <c>POST .../cancel</c>.</summary>
internal sealed record ReasonBody(string? Reason);

/// <summary>An activity scheduled and not yet closed.</summary>
internal sealed record PendingActivity(long ScheduledEventId, string ActivityName, int Attempt, string State, DateTimeOffset? StartedAt,
    JsonElement? LastFailure, DateTimeOffset? NextAttemptAt);

/// <summary>The run's open workflow task, when one is open (e.g. waiting for a worker that knows the type).</summary>
internal sealed record PendingWorkflowTask(long ScheduledEventId, int Attempt, string State, JsonElement? LastFailure, string Note);

/// <summary>The describe body of a run.</summary>
internal sealed record WorkflowDescription(
    string WorkflowId, string RunId, string WorkflowType, string TaskQueue, string Status, JsonElement? Input, JsonElement? Result,
    JsonElement? Failure, DateTimeOffset StartedAt, DateTimeOffset? ClosedAt, string? PreviousRunId, string? NextRunId,
    string? ParentWorkflowId, string? ParentRunId, long HistoryLength, IReadOnlyList<PendingActivity>? PendingActivities,
    PendingWorkflowTask? PendingWorkflowTask);

/// <summary>One page of runs, newest first.</summary>
internal sealed record WorkflowList(IReadOnlyList<WorkflowDescription> Workflows, string? NextPageToken);

/// <summary>Runs per status.</summary>
internal sealed record WorkflowCounts(IReadOnlyDictionary<string, long> Counts);

/// <summary>One page of history (the shape <see cref="HistoryPage"/> reads).</summary>
internal sealed record HistoryResponse(IReadOnlyList<HistoryEvent> Events, string? NextPageToken);
