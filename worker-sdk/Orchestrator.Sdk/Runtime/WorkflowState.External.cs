using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;

namespace Orchestrator.Sdk.Runtime;

/// <summary>Requests to other workflows: a command with a seq, resolved by its outcome event.</summary>
internal sealed partial class WorkflowState
{
    /// <summary>Adds the request's command (built from its seq) and waits for its outcome event.</summary>
    public Task RequestExternal(Func<int, WorkflowCommand> command, OperationKind kind, string name, string workflowId, CodeLocation site)
    {
        var seq = _nextSeq++;
        AddCommand(command(seq));
        var op = new PendingOperation(seq, kind, name, workflowId) { Completion = new TaskCompletionSource<JsonElement?>(), Site = site, Order = NextWaitOrder() };
        _pending.Add(seq, op);
        return op.Completion.Task;
    }

    /// <summary>The outcome of a request: delivered, or the target had no open run.</summary>
    private void ApplyExternalOutcome(HistoryEvent e, JsonElement attributes)
    {
        if (TakePending(attributes) is not { } op)
        {
            return;
        }
        if (e.EventType is EventTypes.ExternalSignalCompleted or EventTypes.ExternalCancelCompleted)
        {
            op.Completion?.TrySetResult(null);
            return;
        }
        var failure = ReadFailure(attributes) ?? new FailureInfo("WorkflowNotFound", $"Workflow '{op.WorkflowId}' has no open run.");
        op.Completion?.TrySetException(failure.Type == "WorkflowNotFound"
            ? new WorkflowNotFoundException(op.WorkflowId ?? "", failure.Message)
            : new InvalidOperationException($"{failure.Type}: {failure.Message}"));
    }
}
