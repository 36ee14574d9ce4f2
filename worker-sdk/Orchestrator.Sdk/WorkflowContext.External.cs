using System.Runtime.CompilerServices;
using Orchestrator.Contracts.Commands;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk;

/// <summary>Talking to other workflows: signals and cancel requests, recorded in this run's history and delivered once by the engine.</summary>
public sealed partial class WorkflowContext
{
    /// <summary>
    /// Signals the open run of another workflow (or of this one). Recorded as <c>ExternalSignalRequested</c>; the engine
    /// delivers it once, whichever engine crashes when, and the task completes when the target got it
    /// (<c>ExternalSignalCompleted</c>).
    /// </summary>
    /// <param name="workflowId">The workflow to signal.</param>
    /// <param name="signalName">The signal's name.</param>
    /// <param name="input">The signal's payload, or null for none.</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>A task that completes when the target's run has the signal.</returns>
    /// <exception cref="WorkflowNotFoundException">The workflow has no open run.</exception>
    public Task SignalExternalWorkflowAsync(string workflowId, string signalName, object? input = null,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowId);
        ArgumentException.ThrowIfNullOrEmpty(signalName);
        _state.EnsureOnScheduler("SignalExternalWorkflowAsync");
        var payload = Payloads.Serialize(input, _state.Json);
        return _state.RequestExternal(seq => new SignalExternalWorkflowCommand(seq, workflowId, signalName, payload), OperationKind.ExternalSignal,
            signalName, workflowId, new CodeLocation(callerFilePath, callerLineNumber));
    }

    /// <summary>
    /// Requests cancellation of the open run of another workflow (cooperative: its code decides, as with a client's cancel).
    /// Recorded as <c>ExternalCancelRequested</c>; delivered once; the task completes when the target's run has the request.
    /// </summary>
    /// <param name="workflowId">The workflow to cancel.</param>
    /// <param name="reason">Why (recorded in the target's <c>WorkflowCancelRequested</c>).</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>A task that completes when the target's run has the cancel request.</returns>
    /// <exception cref="WorkflowNotFoundException">The workflow has no open run.</exception>
    public Task CancelExternalWorkflowAsync(string workflowId, string? reason = null,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowId);
        _state.EnsureOnScheduler("CancelExternalWorkflowAsync");
        return _state.RequestExternal(seq => new RequestCancelExternalWorkflowCommand(seq, workflowId, reason ?? $"Requested by workflow '{WorkflowId}' (run {RunId})."),
            OperationKind.ExternalCancel, "cancel", workflowId, new CodeLocation(callerFilePath, callerLineNumber));
    }
}
