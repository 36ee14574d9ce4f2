using System.CommandLine;
using System.Text.Json;
using Orchestrator.Cli.Output;

namespace Orchestrator.Cli.Commands;

/// <summary><c>workflow query ID --name N [--input JSON] [--run-id R] [--timeout S]</c>: asks a query and prints its result as JSON.</summary>
internal static class QueryCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var workflowId = WorkflowArguments.WorkflowId();
        var runId = WorkflowArguments.RunId();
        var name = new Option<string>("--name") { Description = "The query name (a [WorkflowQuery] method)", Required = true };
        var input = new Option<string?>("--input") { Description = "The query's argument as JSON" };
        var timeout = new Option<int?>("--timeout") { Description = "Seconds the engine waits for a worker's answer (1-60; default 10)" };
        var command = new Command("query", "Ask a query of a workflow (open or closed): a worker replays it; nothing is recorded") { workflowId, runId, name, input, timeout };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var seconds = parse.GetValue(timeout);
            var result = await context.Client.QueryWorkflowAsync<JsonElement?>(parse.GetValue(workflowId)!, parse.GetValue(name)!,
                JsonInput.Parse(parse.GetValue(input), "--input"), parse.GetValue(runId), seconds is { } s ? TimeSpan.FromSeconds(s) : null, cancellationToken);
            // the result is JSON either way: with --output json as the document, else indented
            await CliJson.WriteAsync(context.Out, result);
            return ExitCodes.Ok;
        });
        return command;
    }
}
