using System.Diagnostics;
using System.Globalization;

namespace Orchestrator.Chaos;

/// <summary>What the chaos run does to the servers. One implementation: <see cref="ShellServerFaults"/>.</summary>
internal interface IServerFaults
{
    /// <summary>Stops RabbitMQ (every client loses its connection).</summary>
    Task RabbitStopAsync();

    /// <summary>Starts RabbitMQ again and waits until it serves.</summary>
    Task RabbitStartAsync();

    /// <summary>Crashes PostgreSQL (<c>pg_ctl restart -m immediate</c>) and waits until it serves again.</summary>
    Task PostgresCrashRestartAsync();

    /// <summary>Kills node <paramref name="node"/> (1-3) of the RabbitMQ cluster with <c>kill -9</c>.</summary>
    Task RabbitNodeKillAsync(int node);

    /// <summary>Starts node <paramref name="node"/> of the cluster again and waits until it has rejoined.</summary>
    Task RabbitNodeStartAsync(int node);
}

/// <summary>
/// The faults as verbs of <c>chaos/faults.sh</c>, which does them on the chaos profile's own servers through
/// scripts/services.sh (so how a server is stopped, crashed or started lives in one place, next to how it is started).
/// </summary>
internal sealed class ShellServerFaults(string script, string logPath) : IServerFaults
{
    public Task RabbitStopAsync() => RunAsync("rabbit-stop");

    public Task RabbitStartAsync() => RunAsync("rabbit-start");

    public Task PostgresCrashRestartAsync() => RunAsync("pg-crash");

    public Task RabbitNodeKillAsync(int node) => RunAsync("rabbit-node-kill", node.ToString(CultureInfo.InvariantCulture));

    public Task RabbitNodeStartAsync(int node) => RunAsync("rabbit-node-start", node.ToString(CultureInfo.InvariantCulture));

    private async Task RunAsync(params string[] verb)
    {
        var psi = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        foreach (var v in verb)
        {
            psi.ArgumentList.Add(v);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not run {script}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // generous: every rabbitmqctl call boots an Erlang VM, which takes long on a busy machine
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(600));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(script)} {string.Join(' ', verb)} did not finish in 600 s");
        }
        var output = (await stdout) + (await stderr);
        await File.AppendAllTextAsync(logPath, $"{DateTime.UtcNow:HH:mm:ss.fff} {string.Join(' ', verb)} -> exit {process.ExitCode}\n{output}");
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(script)} {string.Join(' ', verb)} failed (exit {process.ExitCode}): {output.Trim()}");
        }
    }
}
