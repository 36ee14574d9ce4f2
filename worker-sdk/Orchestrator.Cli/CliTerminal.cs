namespace Orchestrator.Cli;

/// <summary>Where a run of the CLI reads its environment and writes: the process's console, or a test's writers.</summary>
/// <param name="Out">stdout: results.</param>
/// <param name="Error">stderr: errors (one line each) and progress.</param>
/// <param name="Environment">Reads an environment variable.</param>
/// <param name="OutIsTerminal">stdout is a terminal (colour, table width).</param>
/// <param name="ErrorIsTerminal">stderr is a terminal (a progress line rewritten in place).</param>
/// <param name="In">stdin: the answer to a confirmation (<c>batch start</c>); null when there is none.</param>
/// <param name="InIsTerminal">stdin is a terminal: a person can answer a confirmation.</param>
internal sealed record CliTerminal(TextWriter Out, TextWriter Error, Func<string, string?> Environment, bool OutIsTerminal = false, bool ErrorIsTerminal = false,
    TextReader? In = null, bool InIsTerminal = false)
{
    public static CliTerminal FromConsole() => new(Console.Out, Console.Error, System.Environment.GetEnvironmentVariable,
        !Console.IsOutputRedirected, !Console.IsErrorRedirected, Console.In, !Console.IsInputRedirected);

    /// <summary>Colour only on a terminal and when <c>NO_COLOR</c> (no-color.org) is not set.</summary>
    public bool Colour => OutIsTerminal && string.IsNullOrEmpty(Environment("NO_COLOR"));
}
