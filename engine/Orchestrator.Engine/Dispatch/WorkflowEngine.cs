using System.Text.Json;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>What a client asks for: start, signal, cancel, terminate; each is one run transaction of the <see cref="RunShell"/>.</summary>
internal sealed class WorkflowEngine(HistoryStore history, DispatchStore store, RunShell shell)
{
    public HistoryStore History => history;

    public DispatchStore Store => store;

    /// <exception cref="WorkflowAlreadyRunningException">a run with that workflow id is still open.</exception>
    public async Task<(string WorkflowId, Guid RunId)> StartAsync(StartWorkflowRequest request)
    {
        var run = await shell.StartAsync(request);
        return (run.WorkflowId, run.RunId);
    }

    /// <summary>Records a signal; false when no run with that id is open.</summary>
    public async Task<bool> SignalAsync(string workflowId, string signalName, JsonElement? payload) =>
        await shell.ExecuteOnOpenRunAsync(workflowId, new SignalTrigger(signalName, payload)) != RunOutcome.NoRun;

    /// <summary>Signals the open run of the request's workflow id, or starts one whose first events carry the signal (<see cref="RunShell.SignalWithStartAsync"/>).</summary>
    /// <exception cref="WorkflowAlreadyRunningException">the id's runs were closed and created again by others on every attempt.</exception>
    public async Task<(Guid RunId, bool Started)> SignalWithStartAsync(StartWorkflowRequest request, string signalName, JsonElement? payload)
    {
        var (run, started) = await shell.SignalWithStartAsync(request, new SignalTrigger(signalName, payload));
        return (run.RunId, started);
    }

    /// <summary>Requests cooperative cancellation; false when no run with that id is open.</summary>
    public async Task<bool> RequestCancelAsync(string workflowId, string? reason) =>
        await shell.ExecuteOnOpenRunAsync(workflowId, new CancelRequestTrigger(reason)) != RunOutcome.NoRun;

    /// <summary>Terminates at once (no workflow code runs); false when no run with that id is open.</summary>
    public async Task<bool> TerminateAsync(string workflowId, string? reason) =>
        await shell.ExecuteOnOpenRunAsync(workflowId, new TerminateTrigger(reason)) != RunOutcome.NoRun;

    /// <summary>
    /// Tells a parent how its child closed, once (the child's <c>parent_notified</c> is set with it). The shell does it after
    /// a child's close commits; the sweeper calls this for closes whose notice was lost in a crash.
    /// </summary>
    public Task NotifyParentAsync(Guid parentRunId, Guid childRunId) => shell.ExecuteAsync(parentRunId, new ChildClosedTrigger(childRunId));
}
