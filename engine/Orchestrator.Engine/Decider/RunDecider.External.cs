using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;

namespace Orchestrator.Engine.Decider;

/// <summary>Requests of a run to other workflows: recorded with the run's commands, their outcome delivered back like a signal.</summary>
internal static partial class RunDecider
{
    /// <summary>A <c>SignalExternalWorkflow</c> command: its event, and the request the engine delivers after the commit.</summary>
    private static void SignalExternal(RunDecision d, SignalExternalWorkflowCommand c)
    {
        d.Append(EventTypes.ExternalSignalRequested, new ExternalSignalRequestedAttributes(c.Seq, c.WorkflowId, c.SignalName, c.Input));
        d.Effects.ExternalRequests.Add(new ExternalRequestRow(c.Seq, ExternalRequestRow.Signal, c.WorkflowId, c.SignalName,
            c.Input is { } input ? input.GetRawText() : null, null, d.Now));
    }

    /// <summary>A <c>RequestCancelExternalWorkflow</c> command: its event, and the request the engine delivers after the commit.</summary>
    private static void CancelExternal(RunDecision d, RequestCancelExternalWorkflowCommand c)
    {
        d.Append(EventTypes.ExternalCancelRequested, new ExternalCancelRequestedAttributes(c.Seq, c.WorkflowId, c.Reason));
        d.Effects.ExternalRequests.Add(new ExternalRequestRow(c.Seq, ExternalRequestRow.Cancel, c.WorkflowId, null, null, c.Reason, d.Now));
    }

    /// <summary>
    /// A request of this run was delivered to <see cref="ExternalRequestDoneTrigger.TargetRunId"/>, or could not be
    /// (<see cref="ExternalRequestDoneTrigger.Failure"/>): the outcome event reaches the code as a signal does. A closed run
    /// (it returned without waiting for the outcome) records nothing.
    /// </summary>
    private static void ExternalRequestDone(RunDecision d, ExternalRequestDoneTrigger t)
    {
        if (!d.IsOpen)
        {
            return;
        }
        var cancel = t.Kind == ExternalRequestRow.Cancel;
        if (t.Failure is { } failure)
        {
            d.Deliver((cancel ? EventTypes.ExternalCancelFailed : EventTypes.ExternalSignalFailed, Json(new ExternalRequestFailedAttributes(t.Seq, failure))));
            return;
        }
        d.Deliver((cancel ? EventTypes.ExternalCancelCompleted : EventTypes.ExternalSignalCompleted,
            Json(new ExternalRequestCompletedAttributes(t.Seq, t.TargetRunId ?? Guid.Empty))));
    }

    /// <summary>What the target of a request gets: a signal, or a cancel request.</summary>
    internal static RunTrigger TargetTrigger(string kind, string? signalName, string? input, string? reason) => kind == ExternalRequestRow.Cancel
        ? new CancelRequestTrigger(reason)
        : new SignalTrigger(signalName ?? "", input is null ? null : JsonDocument.Parse(input).RootElement.Clone());

    /// <summary>The failure of a request whose target has no open run.</summary>
    internal static FailureInfo NotFound(string kind, string workflowId) => new(WorkflowNotFound,
        $"Workflow '{workflowId}' has no open run to {(kind == ExternalRequestRow.Cancel ? "cancel" : "signal")}.");

    /// <summary>The failure type of a request whose target has no open run (the SDK raises <c>WorkflowNotFoundException</c>).</summary>
    public const string WorkflowNotFound = "WorkflowNotFound";
}
