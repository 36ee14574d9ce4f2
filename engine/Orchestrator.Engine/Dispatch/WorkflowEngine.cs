using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.History;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>What a client asks for: start, signal, cancel, terminate. Each is one run transaction.</summary>
internal sealed class WorkflowEngine(HistoryStore history, DispatchStore store, EngineSettings settings, OutboxRelay relay,
    RunCloseNotifier closes, EngineTelemetry telemetry, TimerWakeup timers)
{
    public HistoryStore History => history;

    public DispatchStore Store => store;

    public Task<RunChange?> BeginAsync(Guid runId) => RunChange.BeginAsync(history, store, settings, runId);

    /// <summary>Begins a change for an activity's answer or deadline: the activity row is locked with the run (<see cref="RunChange.Activity"/>).</summary>
    /// <param name="runId">The run.</param>
    /// <param name="scheduledEventId">The activity's ActivityScheduled id.</param>
    /// <param name="withTail">Also read the events the next workflow task message would carry (not needed when the answer brings that task).</param>
    public Task<RunChange?> BeginForActivityAsync(Guid runId, long scheduledEventId, bool withTail = true) =>
        RunChange.BeginAsync(history, store, settings, runId, activityScheduledEventId: scheduledEventId, withTail: withTail);

    /// <summary>Begins a change for a workflow task's answer: the buffered events are taken with the lock (<see cref="RunChange.TakenBuffered"/>).</summary>
    public Task<RunChange?> BeginForWorkflowTaskAnswerAsync(Guid runId) => RunChange.BeginAsync(history, store, settings, runId, takeBuffered: true);

    public Task<RunChange?> BeginOpenAsync(string workflowId) => RunChange.BeginAsync(history, store, settings, null, workflowId);

    /// <summary>Commits a change and hands its messages to the relay and its closing to waiters.</summary>
    public async Task CommitAsync(RunChange change)
    {
        var outbox = await change.CommitAsync();
        relay.Enqueue(outbox);
        if (change.EarliestNewTimer is { } fireAt)
        {
            timers.TimerAdded(fireAt);
        }
        foreach (var closed in change.ClosedRuns)
        {
            closes.Notify(closed);
            telemetry.RunClosed(closed.Status);
        }
        if (change.ClosedStatus is { } status && status != RunStatus.ContinuedAsNew && change.Run.ParentRunId is { } parent)
        {
            await NotifyParentAsync(parent, change.Run.RunId);
        }
    }

    /// <summary>
    /// Tells a parent how its child closed (<c>ChildWorkflowCompleted</c> / <c>ChildWorkflowFailed</c>), once: the child's
    /// <c>parent_notified</c> flag is set in the same transaction. Called after the child's close commits, and by the
    /// sweeper for closes whose notice was lost in a crash.
    /// </summary>
    public async Task NotifyParentAsync(Guid parentRunId, Guid childRunId)
    {
        await using var change = await BeginAsync(parentRunId);
        if (change is null)
        {
            return;
        }
        var child = await store.LockRunAsync(change.Tx, childRunId);
        if (child is null || child.ParentNotified || child.Status is RunStatus.Running or RunStatus.ContinuedAsNew)
        {
            return;
        }
        await store.MarkParentNotifiedAsync(change.Tx, childRunId);
        var seq = child.ParentSeq ?? 0;
        if (child.Status == RunStatus.Completed)
        {
            JsonElement? result = child.Result is { } json ? JsonDocument.Parse(json).RootElement.Clone() : null;
            await change.DeliverAsync((EventTypes.ChildWorkflowCompleted, RunChange.Json(new ChildWorkflowCompletedAttributes(seq, result))));
        }
        else
        {
            var failure = child.Status == RunStatus.Failed && child.Failure is { } f
                ? JsonSerializer.Deserialize<FailureInfo>(f, HistoryJson.Options)!
                : new FailureInfo("ChildWorkflow" + child.Status, $"Child workflow '{child.WorkflowId}' (run {child.RunId}) closed as {child.Status}.");
            await change.DeliverAsync((EventTypes.ChildWorkflowFailed, RunChange.Json(new ChildWorkflowFailedAttributes(seq, failure))));
        }
        await CommitAsync(change);
    }

    public async Task<(string WorkflowId, Guid RunId)> StartAsync(StartWorkflowRequest request, string? previousRunIdForContinue = null)
    {
        var run = new WorkflowRunRecord
        {
            RunId = Guid.CreateVersion7(), WorkflowId = request.WorkflowId ?? Guid.NewGuid().ToString(), WorkflowType = request.WorkflowType,
            TaskQueue = request.TaskQueue ?? "default", Status = RunStatus.Running, StartedAt = settings.UtcNow(),
            Input = request.Input is { } input ? input.GetRawText() : null, TraceParent = EngineTelemetry.NewTraceParent(),
            RunTimeout = request.RunTimeout, RetryPolicy = request.RetryPolicy is { } policy ? RunChange.Json(policy) : null,
        };
        await using var change = await RunChange.BeginNewAsync(history, store, settings, run);
        change.Append(EventTypes.WorkflowStarted, new WorkflowStartedAttributes(
            run.WorkflowType, run.TaskQueue, request.Input, Random.Shared.NextInt64(), PreviousRunId: previousRunIdForContinue));
        change.ScheduleWorkflowTask(attempt: 1, delay: null, lastFailure: null);
        if (run.RunTimeout is { } limit)
        {
            await change.AddTimerAsync(RunChange.RunTimeoutTimerKey, change.Now + limit, RunChange.Json(new { kind = RunChange.RunTimeoutTimerKey }));
        }
        await CommitAsync(change);
        closes.StartedHere(run.WorkflowId);
        telemetry.RunStarted(run.WorkflowType);
        return (run.WorkflowId, run.RunId);
    }

    /// <summary>Records a signal; false when no run with that id is open.</summary>
    public async Task<bool> SignalAsync(string workflowId, string signalName, JsonElement? payload)
    {
        await using var change = await BeginOpenAsync(workflowId);
        if (change is null)
        {
            return false;
        }
        await change.DeliverAsync((EventTypes.SignalReceived, RunChange.Json(new SignalReceivedAttributes(signalName, payload))));
        await CommitAsync(change);
        return true;
    }

    /// <summary>Requests cooperative cancellation; false when no run with that id is open.</summary>
    public async Task<bool> RequestCancelAsync(string workflowId, string? reason)
    {
        await using var change = await BeginOpenAsync(workflowId);
        if (change is null)
        {
            return false;
        }
        if (!change.Run.CancelRequested)
        {
            await change.Store.SetCancelRequestedAsync(change.Tx, change.Run.RunId);
            await change.DeliverAsync((EventTypes.WorkflowCancelRequested, RunChange.Json(new WorkflowCancelRequestedAttributes(reason))));
        }
        await CommitAsync(change);
        return true;
    }

    /// <summary>Terminates at once (no workflow code runs); false when no run with that id is open.</summary>
    public async Task<bool> TerminateAsync(string workflowId, string? reason)
    {
        await using var change = await BeginOpenAsync(workflowId);
        if (change is null)
        {
            return false;
        }
        await change.AppendBufferedAsync();   // what was accepted while a workflow task was in flight stays in history
        change.Append(EventTypes.WorkflowTerminated, new WorkflowTerminatedAttributes(reason));
        await change.CloseAsync(RunStatus.Terminated, null, RunChange.Json(new FailureInfo("Terminated", reason ?? "terminated")));
        await CommitAsync(change);
        return true;
    }
}

/// <summary>A validated start request.</summary>
internal sealed record StartWorkflowRequest(string WorkflowType, string? WorkflowId, string? TaskQueue, JsonElement? Input, TimeSpan? RunTimeout = null,
    Orchestrator.Contracts.Commands.RetryPolicyInfo? RetryPolicy = null);
