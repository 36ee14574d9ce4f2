using System.CommandLine;
using System.CommandLine.Help;
using Orchestrator.Cli.Commands;

namespace Orchestrator.Cli;

/// <summary>The <c>orchestrator</c> command (docs/cli.md).</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => RunAsync(args, CliTerminal.FromConsole(), handleCtrlC: true);

    /// <summary>Runs one command line with the given output (the seam of the tests, which run commands in their own process).</summary>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, string?>? environment = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(args, new CliTerminal(output, error, environment ?? (_ => null)), handleCtrlC: false, cancellationToken);

    /// <summary>Runs one command line on <paramref name="terminal"/> (the tests' seam for stdin and terminals).</summary>
    internal static Task<int> RunAsync(string[] args, CliTerminal terminal, CancellationToken cancellationToken = default) =>
        RunAsync(args, terminal, handleCtrlC: false, cancellationToken);

    private static async Task<int> RunAsync(string[] args, CliTerminal terminal, bool handleCtrlC, CancellationToken cancellationToken = default)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("orchestrator: the command line of an Orchestrator engine (docs/cli.md). Exit codes: 0 ok, 1 workflow failed or "
            + "non-determinism, 2 usage, 3 not found, 4 engine unreachable or API key refused.")
        {
            globals.Address,
            globals.ApiKey,
            globals.Output,
            WorkflowCommand.Create(terminal, globals),
            ScheduleCommand.Create(terminal, globals),
            TriggerCommand.Create(terminal, globals),
            BatchCommand.Create(terminal, globals),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not HelpAction)
        {
            var command = string.Join(' ', Path(parse));
            var messages = parse.UnmatchedTokens.Count > 0
                ? $"unknown command or argument '{parse.UnmatchedTokens[0]}'."
                : string.Join(" ", parse.Errors.Select(e => e.Message).Distinct());
            await terminal.Error.WriteLineAsync($"error: {CliErrors.OneLine(messages)} (see: {command} --help)");
            return ExitCodes.Usage;
        }
        var configuration = new InvocationConfiguration
        {
            Output = terminal.Out,
            Error = terminal.Error,
            EnableDefaultExceptionHandler = false,
        };
        if (!handleCtrlC)
        {
            configuration.ProcessTerminationTimeout = null;
        }
        return await parse.InvokeAsync(configuration, cancellationToken);
    }

    private static IEnumerable<string> Path(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(result.Command is RootCommand ? "orchestrator" : result.Command.Name);
        }
        return names;
    }
}
