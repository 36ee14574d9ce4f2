using System.CommandLine;
using Orchestrator.Sdk;

namespace Orchestrator.Cli.Commands;

/// <summary><c>workflow start --type T [--id ID] [--input JSON] [--task-queue Q] [--wait]</c>.</summary>
internal static class StartCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var type = new Option<string>("--type") { Description = "The workflow type (the class name unless [Workflow(\"name\")] renames it)", Required = true };
        var id = new Option<string?>("--id") { Description = "The workflow id (default: one the engine makes up)" };
        var input = new Option<string?>("--input") { Description = "The input as JSON, e.g. '{\"orderId\":\"o-1\"}'" };
        var taskQueue = new Option<string?>("--task-queue") { Description = "The task queue of the workers that run it (default: the engine's, \"default\")" };
        var wait = new Option<bool>("--wait") { Description = "Wait for the result (progress on stderr); exit 1 when the workflow does not complete" };
        var command = new Command("start", "Start a workflow") { type, id, input, taskQueue, wait };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var inputJson = JsonInput.Parse(parse.GetValue(input), "--input");
            var options = new StartWorkflowOptions { WorkflowId = parse.GetValue(id), TaskQueue = parse.GetValue(taskQueue) };
            var handle = await context.Client.StartWorkflowAsync(parse.GetValue(type)!, inputJson, options, cancellationToken);
            if (parse.GetValue(wait))
            {
                return await ResultWaiter.WaitAsync(context, handle.WorkflowId, cancellationToken);
            }
            if (context.Json)
            {
                await Output.CliJson.WriteAsync(context.Out, new { workflowId = handle.WorkflowId, runId = handle.RunId });
            }
            else
            {
                await context.Out.WriteLineAsync($"Started workflow {handle.WorkflowId} (run {handle.RunId}).");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
