namespace Orchestrator.Cli.Commands;

/// <summary>The "[y/N]" question of a command that acts on runs (<c>batch start</c>, <c>workflow reset</c>) unless <c>--yes</c>.</summary>
internal static class Confirmation
{
    /// <summary>
    /// Asks <paramref name="question"/> on stderr and reads the answer from <paramref name="input"/> (a terminal): returns on
    /// y or yes (any case); anything else, or the end of input, throws <paramref name="notConfirmed"/> (exit 2, nothing done).
    /// </summary>
    public static async Task AskAsync(CliContext context, TextReader input, string question, string notConfirmed, CancellationToken cancellationToken)
    {
        await context.Error.WriteAsync($"{question} [y/N] ");
        var answer = await input.ReadLineAsync(cancellationToken);
        if (answer?.Trim().ToLowerInvariant() is "y" or "yes")
        {
            return;
        }
        if (answer is null)
        {
            await context.Error.WriteLineAsync(); // end of input (Ctrl-D): the prompt's line ends here
        }
        throw new CliException(ExitCodes.Usage, notConfirmed);
    }
}
