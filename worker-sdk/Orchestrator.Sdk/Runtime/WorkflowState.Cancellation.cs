using Orchestrator.Contracts.Commands;

namespace Orchestrator.Sdk.Runtime;

/// <summary>Canceling one operation (an activity) through the token of its options, not the whole run.</summary>
internal sealed partial class WorkflowState
{
    /// <summary>
    /// The code canceled an activity's token while the activity is pending: TryCancel and Abandon end the wait at once
    /// (TryCancel with a <c>RequestCancelActivity</c> command, Abandon with none); WaitCancellationCompleted sends the
    /// command and keeps waiting until <c>ActivityCanceled</c> (or however else the activity closes) is applied.
    /// </summary>
    private void CancelActivity(PendingOperation op, ActivityCancellationType type, CancellationToken token)
    {
        _ensureOnScheduler("cancelling an activity");
        if (!_pending.TryGetValue(op.Seq, out var pending) || !ReferenceEquals(pending, op) || op.CanceledBy.IsCancellationRequested)
        {
            return; // closed already, or canceled before
        }
        op.CanceledBy = token;
        if (type != ActivityCancellationType.Abandon)
        {
            AddCommand(new RequestCancelActivityCommand(op.Seq));
        }
        if (type == ActivityCancellationType.WaitCancellationCompleted)
        {
            return;
        }
        _pending.Remove(op.Seq);
        op.Completion?.TrySetCanceled(token);
    }

    /// <summary>The failure type of <c>ChildWorkflowFailed</c> for a child that closed <c>Canceled</c>.</summary>
    private const string ChildCanceledFailureType = "ChildWorkflowCanceled";

    /// <summary>
    /// The code canceled a child's token while the child runs: the child gets a cancel request (a
    /// <c>RequestCancelExternalWorkflow</c> command of its own seq, delivered once by the engine; its outcome is not
    /// awaited), except with Abandon; TryCancel and Abandon end the wait at once, WaitCancellationCompleted waits for the child's close.
    /// </summary>
    private void CancelChild(PendingOperation op, ChildWorkflowCancellationType type, CancellationToken token)
    {
        _ensureOnScheduler("cancelling a child workflow");
        if (!_pending.TryGetValue(op.Seq, out var pending) || !ReferenceEquals(pending, op) || op.CanceledBy.IsCancellationRequested)
        {
            return;
        }
        op.CanceledBy = token;
        if (type != ChildWorkflowCancellationType.Abandon)
        {
            AddCommand(new RequestCancelExternalWorkflowCommand(_nextSeq++, op.WorkflowId!, $"Canceled by its parent workflow '{WorkflowIdForChildren}'."));
        }
        if (type == ChildWorkflowCancellationType.WaitCancellationCompleted)
        {
            return;
        }
        _pending.Remove(op.Seq);
        op.Completion?.TrySetCanceled(token);
    }
}
