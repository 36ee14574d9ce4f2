using Orchestrator.Engine.Dispatch;

namespace Orchestrator.Engine.Reset;

/// <summary>Workflow reset (docs/visibility.md "Reset"): a checked request to the shell's one transaction, and its log line.</summary>
internal sealed class ResetService(RunShell shell, ILogger<ResetService> logger)
{
    public async Task<ResetOutcome> ResetAsync(string workflowId, ResetRequest request)
    {
        var outcome = await shell.ResetAsync(workflowId, request.RunId, request.Target, request.Reason);
        switch (outcome)
        {
            case { Kind: ResetOutcomeKind.Reset, OldRun: { } old, NewRun: { } created, Plan: { } plan }:
                Log.WorkflowReset(logger, workflowId, old.RunId, plan.PointEventId, request.Reason, created.RunId, plan.Copied.Count, plan.Signals.Count,
                    plan.Activities.Count, plan.Timers.Count, outcome.TerminatedRunId);
                break;
            case { Kind: ResetOutcomeKind.Refused }:
                Log.ResetRefused(logger, workflowId, outcome.OldRun?.RunId ?? request.RunId, request.Target.ToString(), outcome.Detail ?? "");
                break;
            case { Kind: ResetOutcomeKind.Conflict }:
                Log.ResetConflict(logger, workflowId, outcome.Detail ?? "");
                break;
        }
        return outcome;
    }
}
