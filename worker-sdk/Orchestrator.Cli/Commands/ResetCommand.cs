using System.CommandLine;
using System.Globalization;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>workflow reset ID --reason R (--event-id N | --to first|last) [--run-id R] [--yes]</c>: a new run of the workflow
/// whose history is the run's copied up to a workflow task (docs/visibility.md "Reset"); asks first, as <c>batch start</c> does.
/// </summary>
internal static class ResetCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var workflowId = WorkflowArguments.WorkflowId();
        var reason = new Option<string>("--reason") { Description = "Why (required); an open run is terminated with reason 'reset: R'", Required = true };
        var eventId = new Option<long?>("--event-id")
        {
            Description = "The workflow task to go back to, by any of its events (WorkflowTaskScheduled, -Started, -Completed or -Failed)",
        };
        var to = new Option<string?>("--to")
        {
            Description = "Instead of --event-id: 'last' (LastWorkflowTask, the last completed workflow task) or 'first' (FirstWorkflowTask)",
        };
        var runId = new Option<string?>("--run-id") { Description = "The run to reset (default: the workflow's latest run, open or closed)" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Reset without asking first (needed when stdin is not a terminal)" };
        var command = new Command("reset",
            "Reset a workflow: a new run replays the run's history up to a workflow task, then runs today's code from there (asks first)")
        {
            workflowId, reason, eventId, to, runId, yes,
        };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var id = parse.GetValue(workflowId)!;
            var why = parse.GetValue(reason)!;
            var point = Point(parse.GetValue(eventId), parse.GetValue(to), why);
            var run = parse.GetValue(runId);
            if (run is not null && string.IsNullOrWhiteSpace(run))
            {
                throw new CliException(ExitCodes.Usage, "--run-id is empty; leave it out to reset the workflow's latest run.");
            }
            if (!parse.GetValue(yes) && await ResetConfirmation.AskAsync(context, id, run, Describe(point), why, cancellationToken) is { } declined)
            {
                return declined;
            }
            var reset = await context.Client.ResetWorkflowAsync(id, why, point.EventId, point.To, run, cancellationToken);
            return await CommandOutput.PrintAsync(context, reset,
                $"Workflow {reset.WorkflowId} reset to {Describe(point)}: new run {reset.RunId}. Follow it: orchestrator workflow describe {reset.WorkflowId}");
        });
        return command;
    }

    /// <summary>Where to go back to: an event id or a <see cref="ResetTo"/>, exactly one; a reason that is not blank (else exit 2, nothing sent).</summary>
    internal static (long? EventId, ResetTo? To) Point(long? eventId, string? to, string reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new CliException(ExitCodes.Usage, "--reason is empty; say why (it is recorded in the history).");
        }
        if (eventId is not null && to is not null)
        {
            throw new CliException(ExitCodes.Usage, "give --event-id or --to, not both.");
        }
        if (eventId is { } n)
        {
            return n >= 1 ? (n, null) : throw new CliException(ExitCodes.Usage, "--event-id must be at least 1 (an event id of the run's history).");
        }
        return to?.Trim().ToLowerInvariant() switch
        {
            "last" or "lastworkflowtask" => (null, ResetTo.LastWorkflowTask),
            "first" or "firstworkflowtask" => (null, ResetTo.FirstWorkflowTask),
            null => throw new CliException(ExitCodes.Usage,
                "say where to go back to: --to last (the last completed workflow task), --to first, or --event-id N (see: orchestrator workflow history ID)."),
            _ => throw new CliException(ExitCodes.Usage, $"--to '{to}' is not one of: last, first, LastWorkflowTask, FirstWorkflowTask."),
        };
    }

    /// <summary>"event 12", "the last completed workflow task", "the first workflow task".</summary>
    internal static string Describe((long? EventId, ResetTo? To) point) => point switch
    {
        ({ } n, _) => "the workflow task of event " + n.ToString(CultureInfo.InvariantCulture),
        (_, ResetTo.FirstWorkflowTask) => "the first workflow task",
        _ => "the last completed workflow task",
    };
}
