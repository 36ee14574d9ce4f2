using System.CommandLine;
using System.Text.Json;
using Orchestrator.Cli.Output;

namespace Orchestrator.Cli.Commands;

/// <summary><c>workflow update ID --name N [--input JSON] [--update-id U]</c>: sends an update, waits for its handler and prints its result as JSON.</summary>
internal static class UpdateCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var workflowId = WorkflowArguments.WorkflowId();
        var name = new Option<string>("--name") { Description = "The update name (a [WorkflowUpdate] method)", Required = true };
        var input = new Option<string?>("--input") { Description = "The update's argument as JSON" };
        var updateId = new Option<string?>("--update-id") { Description = "The update's id: the same id is applied once (default: a new one)" };
        var command = new Command("update", "Send an update to a workflow's open run: validated by the workflow, recorded, applied; prints the handler's result")
        {
            workflowId, name, input, updateId,
        };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var result = await context.Client.ExecuteUpdateAsync<JsonElement?>(parse.GetValue(workflowId)!, parse.GetValue(name)!,
                JsonInput.Parse(parse.GetValue(input), "--input"), parse.GetValue(updateId), cancellationToken);
            await CliJson.WriteAsync(context.Out, result);
            return ExitCodes.Ok;
        });
        return command;
    }
}
