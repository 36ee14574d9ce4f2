using Orchestrator.Contracts;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Testing.InMemory;

/// <summary>An update's row (<c>workflow_updates</c>): <see cref="Status"/> <c>Accepted</c> until its handler's outcome is recorded.</summary>
internal sealed record MemoryUpdate(string WorkflowId, string UpdateId, Guid RunId, string UpdateName)
{
    public const string Accepted = "Accepted";

    public string Status { get; set; } = Accepted;

    /// <summary>The handler's result JSON (Completed).</summary>
    public string? Result { get; set; }

    /// <summary>The failure JSON (Failed).</summary>
    public string? Failure { get; set; }
}

/// <summary>Updates, as <c>RunShell.AcceptUpdateAsync</c> and the update statements of the engine keep them.</summary>
internal sealed partial class MemoryShell
{
    private readonly Dictionary<(string WorkflowId, string UpdateId), MemoryUpdate> _updates = [];

    public MemoryUpdate? Update(string workflowId, string updateId) => _updates.GetValueOrDefault((workflowId, updateId));

    /// <summary>
    /// Records an update validated on the open run of its workflow id: its row (once per update id) and its
    /// <c>WorkflowUpdateAccepted</c> event, delivered as a signal is. Null when the workflow id has no open run.
    /// </summary>
    public MemoryUpdate? AcceptUpdate(string workflowId, UpdateAcceptedTrigger trigger)
    {
        if (Update(workflowId, trigger.UpdateId) is { } existing)
        {
            return existing;
        }
        if (Latest(workflowId) is not { IsOpen: true } run)
        {
            return null;
        }
        var update = new MemoryUpdate(workflowId, trigger.UpdateId, run.Run.RunId, trigger.UpdateName);
        _updates[(workflowId, trigger.UpdateId)] = update;
        Execute(run.Run.RunId, trigger);
        return update;
    }

    /// <summary>The outcomes the decision's workflow task recorded (only of updates of this run still accepted).</summary>
    private void CompleteUpdates(WorkflowRunRecord run, RunEffects effects)
    {
        foreach (var outcome in effects.CompletedUpdates)
        {
            if (Update(run.WorkflowId, outcome.UpdateId) is { Status: MemoryUpdate.Accepted } update && update.RunId == run.RunId)
            {
                update.Status = outcome.Status;
                update.Result = outcome.Result;
                update.Failure = outcome.Failure;
            }
        }
    }

    /// <summary>The run closed: the updates it accepted and did not finish fail, except those its last workflow task completed.</summary>
    private void FailUnfinishedUpdates(WorkflowRunRecord run, RunEffects effects)
    {
        var finished = effects.CompletedUpdates.Select(u => u.UpdateId).ToHashSet(StringComparer.Ordinal);
        foreach (var update in _updates.Values.Where(u => u.RunId == run.RunId && u.Status == MemoryUpdate.Accepted && !finished.Contains(u.UpdateId)))
        {
            update.Status = "Failed";
            update.Failure = RunDecision.Json(new FailureInfo("RunClosed", $"The run closed ({run.Status}) before the update finished."));
        }
    }
}
