using System.Text.Json;

namespace Orchestrator.Contracts.History;

/// <summary>
/// Attributes of <c>ExternalSignalRequested</c>, the event of a <c>SignalExternalWorkflow</c> command: the run asked the
/// engine to signal the open run of <paramref name="WorkflowId"/>. The engine delivers it once (a <c>SignalReceived</c> in
/// the target) and then records <c>ExternalSignalCompleted</c>, or <c>ExternalSignalFailed</c> when there is no open run.
/// JSON: <c>{"seq","workflowId","signalName","input"}</c>.
/// </summary>
/// <param name="Seq">The command's sequence number.</param>
/// <param name="WorkflowId">The workflow to signal.</param>
/// <param name="SignalName">The signal's name.</param>
/// <param name="Input">The signal's payload.</param>
public sealed record ExternalSignalRequestedAttributes(int Seq, string WorkflowId, string SignalName, JsonElement? Input);

/// <summary>
/// Attributes of <c>ExternalCancelRequested</c>, the event of a <c>RequestCancelExternalWorkflow</c> command: the run asked
/// the engine to request cancellation of the open run of <paramref name="WorkflowId"/>; then <c>ExternalCancelCompleted</c>
/// (the request was delivered: a <c>WorkflowCancelRequested</c> in the target) or <c>ExternalCancelFailed</c>.
/// JSON: <c>{"seq","workflowId","reason"}</c>.
/// </summary>
/// <param name="Seq">The command's sequence number.</param>
/// <param name="WorkflowId">The workflow to cancel.</param>
/// <param name="Reason">Why, recorded in the target's <c>WorkflowCancelRequested</c>.</param>
public sealed record ExternalCancelRequestedAttributes(int Seq, string WorkflowId, string? Reason = null);

/// <summary>
/// Attributes of <c>ExternalSignalCompleted</c> and <c>ExternalCancelCompleted</c>: the request of command
/// <paramref name="Seq"/> was delivered to the target's run <paramref name="RunId"/>. JSON: <c>{"seq","runId"}</c>.
/// </summary>
/// <param name="Seq">The request's command sequence number.</param>
/// <param name="RunId">The target run that got it.</param>
public sealed record ExternalRequestCompletedAttributes(int Seq, Guid RunId);

/// <summary>
/// Attributes of <c>ExternalSignalFailed</c> and <c>ExternalCancelFailed</c>: the request of command <paramref name="Seq"/>
/// could not be delivered (type <c>WorkflowNotFound</c>: the target has no open run). JSON: <c>{"seq","failure"}</c>.
/// </summary>
/// <param name="Seq">The request's command sequence number.</param>
/// <param name="Failure">Why.</param>
public sealed record ExternalRequestFailedAttributes(int Seq, FailureInfo Failure);
