using System.CommandLine;
using System.Globalization;
using Orchestrator.Cli.Output;
using Orchestrator.Contracts.Api;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>workflow stack ID [--run-id R] [--timeout S]</c>: what the run's code waits on and where (the built-in query
/// <c>__stack_trace</c>), one line per wait: <c>Ship (activity #3) at OrderWorkflow.cs:40</c>.
/// </summary>
internal static class StackCommand
{
    public static Command Create(CliTerminal terminal, GlobalOptions globals)
    {
        var workflowId = WorkflowArguments.WorkflowId();
        var runId = WorkflowArguments.RunId();
        var timeout = new Option<int?>("--timeout") { Description = "Seconds the engine waits for a worker's answer (1-60; default 10)" };
        var command = new Command("stack", "Show what a workflow's code waits on, and on which line (a worker replays it; nothing is recorded)")
        {
            workflowId, runId, timeout,
        };
        CliAction.Set(command, terminal, globals, async (context, parse, cancellationToken) =>
        {
            var seconds = parse.GetValue(timeout);
            var waits = await context.Client.GetStackTraceAsync(parse.GetValue(workflowId)!, parse.GetValue(runId),
                seconds is { } s ? TimeSpan.FromSeconds(s) : null, cancellationToken);
            if (context.Json)
            {
                await CliJson.WriteAsync(context.Out, waits);
            }
            else if (waits.Count == 0)
            {
                await context.Out.WriteLineAsync("waiting on nothing (the run is closed, or its code is running)");
            }
            else
            {
                foreach (var wait in waits)
                {
                    await context.Out.WriteLineAsync(Describe(wait));
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>One wait as a line: what, its number or id, its deadline, where.</summary>
    internal static string Describe(WorkflowWait wait) => wait.Describe(at => at.UtcDateTime.ToString("u", CultureInfo.InvariantCulture));
}
