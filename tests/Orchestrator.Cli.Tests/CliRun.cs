using System.Diagnostics;

namespace Orchestrator.Cli.Tests;

/// <summary>One run of the CLI: its exit code and what it wrote.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    /// <summary>Through <c>Program.RunAsync</c> in this process, with <paramref name="environment"/> as its whole environment.</summary>
    public static async Task<CliRun> InProcessAsync(string[] args, IReadOnlyDictionary<string, string?>? environment = null, CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await Program.RunAsync(args, TextWriter.Synchronized(output), TextWriter.Synchronized(error),
            name => environment is not null && environment.TryGetValue(name, out var value) ? value : null, cancellationToken);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>The built tool as a process: <c>dotnet orchestrator.dll ...</c> from the CLI project's output folder.</summary>
    public static async Task<CliRun> ProcessAsync(string[] args, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Binaries.Path("worker-sdk/Orchestrator.Cli", "orchestrator.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"orchestrator {string.Join(' ', args)} did not exit within {timeout}.");
        }
        return new CliRun(process.ExitCode, await output, await error);
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Error}";
}
