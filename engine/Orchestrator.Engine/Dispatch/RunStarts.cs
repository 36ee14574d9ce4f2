using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Commands that create another run in the transaction of the run that asked: continue-as-new, a workflow retry, a child.
/// </summary>
internal static class RunStarts
{
    /// <summary>
    /// Closes the run as ContinuedAsNew and creates the next run in the same transaction, linked both ways. The next run
    /// keeps the parent links and run timeout, and starts with the signals the code left unconsumed (from the command).
    /// </summary>
    public static async Task ContinueAsNewAsync(RunChange change, ContinueAsNewCommand command)
    {
        var run = change.Run;
        var next = new WorkflowRunRecord
        {
            RunId = Guid.CreateVersion7(), WorkflowId = run.WorkflowId, WorkflowType = run.WorkflowType,
            TaskQueue = run.TaskQueue, Status = RunStatus.Running, StartedAt = change.Now, Input = command.Input?.GetRawText(),
            PreviousRunId = run.RunId, TraceParent = run.TraceParent, ParentWorkflowId = run.ParentWorkflowId, ParentRunId = run.ParentRunId,
            ParentSeq = run.ParentSeq, ParentClosePolicy = run.ParentClosePolicy, RunTimeout = run.RunTimeout,
        };
        change.Append(EventTypes.WorkflowContinuedAsNew, new WorkflowContinuedAsNewAttributes(command.Input));
        await change.CloseAsync(RunStatus.ContinuedAsNew, null, null, next.RunId);
        var signals = (command.Signals ?? []).Select(s => (EventTypes.SignalReceived, RunChange.Json(s))).ToList();
        await change.StartOtherRunAsync(next, new WorkflowStartedAttributes(next.WorkflowType, next.TaskQueue, command.Input,
            Random.Shared.NextInt64(), run.ParentWorkflowId, run.ParentRunId?.ToString(), PreviousRunId: run.RunId.ToString()), signals);
        if (run.CancelRequested)
        {
            // A cancel request is the workflow's, not one run's: a run that continued as new after it (its code issued the
            // command before it saw the request, as when the request arrived with the task that continued) hands it on, as it
            // hands on unhandled signals. It reaches the next run as a request arriving during its first workflow task (buffered
            // for that task's answer), so the code sees it while it waits, as any cancel request.
            await change.Store.SetCancelRequestedAsync(change.Tx, next.RunId);
            await change.Store.AddBufferedEventAsync(change.Tx, next.RunId, EventTypes.WorkflowCancelRequested, RunChange.Json(
                new WorkflowCancelRequestedAttributes($"Requested of run {run.RunId}, which continued as new after the request.")));
        }
    }

    /// <summary>The back-off before retrying a failed run, or null when it has no retry policy or the policy says no.</summary>
    public static TimeSpan? WorkflowRetryDelay(WorkflowRunRecord run, FailureInfo failure) =>
        run.RetryPolicy is { } json && JsonSerializer.Deserialize<RetryPolicyInfo>(json, HistoryJson.Options) is { } policy
            ? RetryMath.NextDelay(policy, run.Attempt, failure.Type)
            : null;

    /// <summary>
    /// Workflow-level retry: the run closes Failed (with its failure) and, in the same transaction, the next attempt starts
    /// with the same input, linked as by continue-as-new; its first workflow task is sent when the back-off ends. A parent
    /// hears only of the last attempt.
    /// </summary>
    public static async Task RetryRunAsync(RunChange change, FailureInfo failure, TimeSpan delay)
    {
        var run = change.Run;
        var next = new WorkflowRunRecord
        {
            RunId = Guid.CreateVersion7(), WorkflowId = run.WorkflowId, WorkflowType = run.WorkflowType, TaskQueue = run.TaskQueue,
            Status = RunStatus.Running, StartedAt = change.Now, Input = run.Input, PreviousRunId = run.RunId, TraceParent = run.TraceParent,
            ParentWorkflowId = run.ParentWorkflowId, ParentRunId = run.ParentRunId, ParentSeq = run.ParentSeq,
            ParentClosePolicy = run.ParentClosePolicy, RunTimeout = run.RunTimeout, RetryPolicy = run.RetryPolicy, Attempt = run.Attempt + 1,
        };
        await change.CloseAsync(RunStatus.Failed, null, RunChange.Json(failure), next.RunId);
        if (run.ParentRunId is not null)
        {
            await change.Store.MarkParentNotifiedAsync(change.Tx, run.RunId);
        }
        JsonElement? input = run.Input is { } text ? JsonDocument.Parse(text).RootElement.Clone() : null;
        await change.StartOtherRunAsync(next, new WorkflowStartedAttributes(next.WorkflowType, next.TaskQueue, input, Random.Shared.NextInt64(),
            run.ParentWorkflowId, run.ParentRunId?.ToString(), PreviousRunId: run.RunId.ToString(), Attempt: next.Attempt), firstTaskDelay: delay);
    }

    /// <summary>
    /// Starts a child run in the parent's transaction (<c>ChildWorkflowStarted</c> in the parent, parent links in the child).
    /// A child id with an open run fails the child at once (<c>ChildWorkflowFailed</c>, type <c>WorkflowAlreadyStarted</c>).
    /// </summary>
    public static async Task StartChildAsync(RunChange change, StartChildWorkflowCommand command)
    {
        var parent = change.Run;
        if (await change.Store.OpenRunExistsAsync(change.Tx, command.WorkflowId))
        {
            change.Append(EventTypes.ChildWorkflowStarted, new ChildWorkflowStartedAttributes(command.Seq, command.WorkflowType, command.WorkflowId, ""));
            await change.DeliverAsync((EventTypes.ChildWorkflowFailed, RunChange.Json(new ChildWorkflowFailedAttributes(command.Seq,
                new FailureInfo("WorkflowAlreadyStarted", $"A run of workflow '{command.WorkflowId}' is already open.")))));
            return;
        }
        var policy = command.ParentClosePolicy is "RequestCancel" or "Abandon" ? command.ParentClosePolicy : "Terminate";
        var child = new WorkflowRunRecord
        {
            RunId = Guid.CreateVersion7(), WorkflowId = command.WorkflowId, WorkflowType = command.WorkflowType,
            TaskQueue = command.TaskQueue ?? parent.TaskQueue, Status = RunStatus.Running, StartedAt = change.Now, Input = command.Input?.GetRawText(),
            TraceParent = parent.TraceParent, ParentWorkflowId = parent.WorkflowId, ParentRunId = parent.RunId, ParentSeq = command.Seq,
            ParentClosePolicy = policy,
        };
        change.Append(EventTypes.ChildWorkflowStarted, new ChildWorkflowStartedAttributes(command.Seq, child.WorkflowType, child.WorkflowId, child.RunId.ToString()));
        await change.StartOtherRunAsync(child, new WorkflowStartedAttributes(child.WorkflowType, child.TaskQueue, command.Input,
            Random.Shared.NextInt64(), parent.WorkflowId, parent.RunId.ToString()));
    }
}
