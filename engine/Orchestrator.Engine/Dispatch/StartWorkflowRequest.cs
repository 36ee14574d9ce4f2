using System.Text.Json;

namespace Orchestrator.Engine.Dispatch;

/// <summary>A validated start request (<paramref name="ScheduleId"/> and <paramref name="ScheduledTime"/>: a schedule's run).</summary>
internal sealed record StartWorkflowRequest(string WorkflowType, string? WorkflowId, string? TaskQueue, JsonElement? Input, TimeSpan? RunTimeout = null,
    Orchestrator.Contracts.Commands.RetryPolicyInfo? RetryPolicy = null, string? ScheduleId = null, DateTime? ScheduledTime = null,
    string? SearchAttributes = null);
