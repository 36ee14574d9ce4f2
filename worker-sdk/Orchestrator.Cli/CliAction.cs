using System.CommandLine;

namespace Orchestrator.Cli;

/// <summary>Runs a command's body with its <see cref="CliContext"/> and reports what it threw (<see cref="CliErrors"/>).</summary>
internal static class CliAction
{
    public static void Set(Command command, CliTerminal terminal, GlobalOptions globals, Func<CliContext, ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var context = new CliContext(terminal, globals, parse);
            try
            {
                return await body(context, parse, cancellationToken);
            }
            catch (Exception e)
            {
                var (exitCode, message) = CliErrors.Describe(e, context, cancellationToken);
                await context.Error.WriteLineAsync("error: " + CliErrors.OneLine(message));
                return exitCode;
            }
        });
}
