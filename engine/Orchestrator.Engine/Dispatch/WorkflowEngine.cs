using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Contracts.History;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>What a client asks for: start, signal, cancel, terminate. Each is one run transaction.</summary>
internal sealed class WorkflowEngine(HistoryStore history, DispatchStore store, EngineSettings settings, OutboxRelay relay,
    RunCloseNotifier closes, EngineTelemetry telemetry)
{
    public HistoryStore History => history;

    public DispatchStore Store => store;

    public Task<RunChange?> BeginAsync(Guid runId) => RunChange.BeginAsync(history, store, settings, runId);

    public Task<RunChange?> BeginOpenAsync(string workflowId) => RunChange.BeginAsync(history, store, settings, null, workflowId);

    /// <summary>Commits a change and hands its messages to the relay and its closing to waiters.</summary>
    public async Task CommitAsync(RunChange change)
    {
        var outbox = await change.CommitAsync();
        relay.Enqueue(outbox);
        if (change.ClosedStatus is not null)
        {
            closes.Notify(change.Run.WorkflowId);
            telemetry.RunClosed(change.ClosedStatus);
        }
    }

    public async Task<(string WorkflowId, Guid RunId)> StartAsync(StartWorkflowRequest request, string? previousRunIdForContinue = null)
    {
        var run = new WorkflowRunRecord
        {
            RunId = Guid.CreateVersion7(), WorkflowId = request.WorkflowId ?? Guid.NewGuid().ToString(), WorkflowType = request.WorkflowType,
            TaskQueue = request.TaskQueue ?? "default", Status = RunStatus.Running, StartedAt = DateTime.UtcNow,
            Input = request.Input is { } input ? input.GetRawText() : null, TraceParent = EngineTelemetry.NewTraceParent(),
        };
        await using var change = await RunChange.BeginNewAsync(history, store, settings, run);
        change.Append(EventTypes.WorkflowStarted, new WorkflowStartedAttributes(
            run.WorkflowType, run.TaskQueue, request.Input, Random.Shared.NextInt64(), PreviousRunId: previousRunIdForContinue));
        change.ScheduleWorkflowTask(attempt: 1, delay: null, lastFailure: null);
        await CommitAsync(change);
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
        change.Append(EventTypes.WorkflowTerminated, new WorkflowTerminatedAttributes(reason));
        await change.CloseAsync(RunStatus.Terminated, null, RunChange.Json(new { type = "Terminated", message = reason ?? "terminated" }));
        await CommitAsync(change);
        return true;
    }
}

/// <summary>A validated start request.</summary>
internal sealed record StartWorkflowRequest(string WorkflowType, string? WorkflowId, string? TaskQueue, JsonElement? Input);
