using System.CommandLine;

namespace Orchestrator.Cli.Commands;

/// <summary><c>workflow terminate ID [--reason R]</c>: closes the run at once, no workflow code runs.</summary>
internal static class TerminateCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var workflowId = WorkflowArguments.WorkflowId();
        var reason = new Option<string?>("--reason") { Description = "Why (recorded in the history)" };
        var command = new Command("terminate", "Terminate a workflow's open run at once (no workflow code runs)") { workflowId, reason };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var id = parse.GetValue(workflowId)!;
            await context.Client.TerminateWorkflowAsync(id, parse.GetValue(reason), cancellationToken);
            return await Accepted.PrintAsync(context, id, $"Workflow {id} terminated.");
        });
        return command;
    }
}
