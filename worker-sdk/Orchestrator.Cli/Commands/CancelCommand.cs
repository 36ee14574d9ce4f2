using System.CommandLine;

namespace Orchestrator.Cli.Commands;

/// <summary><c>workflow cancel ID</c>: the workflow sees the request and may compensate.</summary>
internal static class CancelCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var workflowId = WorkflowArguments.WorkflowId();
        var command = new Command("cancel", "Request cancellation of a workflow's open run (its code sees it and may clean up)") { workflowId };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var id = parse.GetValue(workflowId)!;
            await context.Client.CancelWorkflowAsync(id, cancellationToken);
            return await Accepted.PrintAsync(context, id, $"Cancellation of workflow {id} requested.");
        });
        return command;
    }
}
