using System.CommandLine;
using Orchestrator.Sdk;

namespace Orchestrator.Cli.Commands;

/// <summary><c>workflow signal-with-start ID --type T --name N [--input JSON] [--signal-input JSON] [--task-queue Q]</c>.</summary>
internal static class SignalWithStartCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var workflowId = WorkflowArguments.WorkflowId();
        var type = new Option<string>("--type") { Description = "The workflow type of the run to start when none is open", Required = true };
        var name = new Option<string>("--name") { Description = "The signal name", Required = true };
        var input = new Option<string?>("--input") { Description = "The input of a run to start, as JSON" };
        var signalInput = new Option<string?>("--signal-input") { Description = "The signal's payload, as JSON" };
        var taskQueue = new Option<string?>("--task-queue") { Description = "The task queue of a run to start (default: the engine's, \"default\")" };
        var command = new Command("signal-with-start", "Signal a workflow's open run, or start one whose first event is the signal")
        {
            workflowId, type, name, input, signalInput, taskQueue,
        };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var id = parse.GetValue(workflowId)!;
            var signal = parse.GetValue(name)!;
            var inputJson = JsonInput.Parse(parse.GetValue(input), "--input");
            var payload = JsonInput.Parse(parse.GetValue(signalInput), "--signal-input");
            var handle = await context.Client.SignalWithStartWorkflowAsync(parse.GetValue(type)!, id, inputJson, signal, payload,
                new StartWorkflowOptions { TaskQueue = parse.GetValue(taskQueue) }, cancellationToken);
            if (context.Json)
            {
                await Output.CliJson.WriteAsync(context.Out, new { workflowId = handle.WorkflowId, runId = handle.RunId });
            }
            else
            {
                await context.Out.WriteLineAsync($"Signal {signal} sent to workflow {handle.WorkflowId} (run {handle.RunId}).");
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
