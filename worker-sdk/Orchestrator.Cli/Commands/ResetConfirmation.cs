using System.Globalization;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// What <c>workflow reset</c> does before it resets (unless <c>--yes</c>), as <c>batch start</c> does (<see cref="BatchConfirmation"/>):
/// it describes the run (a missing one exits 3), prints what the reset will do on stderr and asks "[y/N]" on a terminal.
/// Without a terminal to ask on, or without a yes, nothing is reset (exit 2).
/// </summary>
internal static class ResetConfirmation
{
    /// <summary>Null to go on and reset; else the exit code to end with (nothing was reset).</summary>
    public static async Task<int?> AskAsync(CliContext context, string workflowId, string? runId, string point, string reason, CancellationToken cancellationToken)
    {
        var run = await context.Client.DescribeWorkflowAsync(workflowId, runId, cancellationToken);
        var what = string.Create(CultureInfo.InvariantCulture, $"workflow {run.WorkflowId} run {run.RunId} ({run.Status}, {run.HistoryLength} events)");
        var closes = run.IsRunning
            ? $"the run, still open, is terminated with reason 'reset: {reason}'"
            : "the workflow's open run, if it has one, is terminated";
        if (context.Interactive is not { } input)
        {
            throw new CliException(ExitCodes.Usage,
                $"{what}: not reset: workflow reset asks before it acts and stdin is not a terminal. Pass --yes to reset it to {point} ({closes}).");
        }
        await Confirmation.AskAsync(context, input, $"Reset {what} to {point}? A new run replays its history up to there and {closes}.",
            "not confirmed: nothing reset.", cancellationToken);
        return null;
    }
}
