using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>WorkflowStarted</c>, always event 1 of a run. JSON: <c>{"workflowType","taskQueue","input","randomSeed","parentWorkflowId"?,"parentRunId"?,"previousRunId"?,"attempt","scheduleId"?,"scheduledTime"?,"searchAttributes"?}</c>.</summary>
/// <param name="WorkflowType">The workflow type name.</param>
/// <param name="TaskQueue">The task queue its workflow tasks go to.</param>
/// <param name="Input">The run input (any JSON value; null when none).</param>
/// <param name="RandomSeed">Seed of the run's deterministic random numbers and GUIDs.</param>
/// <param name="ParentWorkflowId">The parent's workflow id when started as a child.</param>
/// <param name="ParentRunId">The parent's run id when started as a child.</param>
/// <param name="PreviousRunId">The previous run when this run was started by continue-as-new or is a workflow retry.</param>
/// <param name="Attempt">The attempt of a workflow with a retry policy (1 for the first run, 2 for its first retry...).</param>
/// <param name="ScheduleId">The schedule that started the run (absent when none did).</param>
/// <param name="ScheduledTime">The scheduled time the run was started for (UTC; absent when no schedule started it).</param>
/// <param name="SearchAttributes">The run's search attributes when it started (given at start, or carried over by continue-as-new and retries); left out when none.</param>
public sealed record WorkflowStartedAttributes(string WorkflowType, string TaskQueue, JsonElement? Input, long RandomSeed, string? ParentWorkflowId = null,
    string? ParentRunId = null, string? PreviousRunId = null, int Attempt = 1,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ScheduleId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ScheduledTime = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, JsonElement>? SearchAttributes = null);
