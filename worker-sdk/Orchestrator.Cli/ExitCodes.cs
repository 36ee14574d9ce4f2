namespace Orchestrator.Cli;

/// <summary>The exit codes of every command (docs/cli.md, DESIGN.md "Packages and CLI").</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The workflow closed without a result (failed, canceled, terminated, timed out), a replay found non-determinism, a query failed or an update was rejected or failed (422).</summary>
    public const int WorkflowFailed = 1;

    /// <summary>The command line is wrong: unknown command or option, a missing value, bad JSON, a request the engine refused as given (400, 409, 413).</summary>
    public const int Usage = 2;

    /// <summary>No such workflow or run (404), or no such file, assembly or type for <c>replay</c>.</summary>
    public const int NotFound = 3;

    /// <summary>The engine cannot be reached, does not answer in time or as an engine, refuses the API key (401, 403), or fails (5xx).</summary>
    public const int Unreachable = 4;

    /// <summary>A defect of the CLI itself (an exception it does not expect).</summary>
    public const int InternalError = 70;

    /// <summary>Stopped by Ctrl-C.</summary>
    public const int Interrupted = 130;
}
