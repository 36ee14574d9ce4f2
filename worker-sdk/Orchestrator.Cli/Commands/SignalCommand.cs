using System.CommandLine;

namespace Orchestrator.Cli.Commands;

/// <summary><c>workflow signal ID --name N [--input JSON]</c>.</summary>
internal static class SignalCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var workflowId = WorkflowArguments.WorkflowId();
        var name = new Option<string>("--name") { Description = "The signal name", Required = true };
        var input = new Option<string?>("--input") { Description = "The payload as JSON" };
        var command = new Command("signal", "Send a signal to a workflow's open run") { workflowId, name, input };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var id = parse.GetValue(workflowId)!;
            var signal = parse.GetValue(name)!;
            var payload = JsonInput.Parse(parse.GetValue(input), "--input");
            await context.Client.SignalWorkflowAsync(id, signal, payload, cancellationToken);
            return await Accepted.PrintAsync(context, id, $"Signal {signal} sent to workflow {id}.");
        });
        return command;
    }
}
