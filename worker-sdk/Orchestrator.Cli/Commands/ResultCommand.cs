using System.CommandLine;

namespace Orchestrator.Cli.Commands;

/// <summary><c>workflow result ID</c>: waits until the workflow closes (following continue-as-new) and prints its result.</summary>
internal static class ResultCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var workflowId = WorkflowArguments.WorkflowId();
        var command = new Command("result", "Wait for a workflow's result (progress on stderr); exit 1 when it does not complete") { workflowId };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var id = parse.GetValue(workflowId)!;
            await context.Client.DescribeWorkflowAsync(id, cancellationToken: cancellationToken); // an unknown id: exit 3 before any progress line
            return await ResultWaiter.WaitAsync(context, id, cancellationToken);
        });
        return command;
    }
}
