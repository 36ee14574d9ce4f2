using System.Diagnostics;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>The test broker's <c>rabbitmqctl</c> (given by ./test.sh): queue depths, purges, stop and start.</summary>
public static class Broker
{
    /// <summary>The path of the broker's rabbitmqctl wrapper; fails the test when ./test.sh did not give one.</summary>
    public static string Ctl()
    {
        var rabbitmqctl = Environment.GetEnvironmentVariable("ORCHESTRATOR_TEST_RABBITMQCTL");
        Assert.False(string.IsNullOrEmpty(rabbitmqctl),
            "ORCHESTRATOR_TEST_RABBITMQCTL is not set: run through ./test.sh, which starts the broker and says how to control it.");
        return rabbitmqctl!;
    }

    /// <summary>How many messages wait in <paramref name="queue"/> (null when it does not exist).</summary>
    public static async Task<int?> QueueDepthAsync(string queue)
    {
        var line = (await RunAsync("list_queues -q name messages")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(p => p.Length == 2 && p[0] == queue);
        return line is null ? null : int.Parse(line[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <c>rabbitmqctl {arguments}</c>; fails the test when it fails; returns its output.</summary>
    public static async Task<string> RunAsync(string arguments)
    {
        var script = Ctl();
        using var process = Process.Start(new ProcessStartInfo(script, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"{script} {arguments} failed: {await error}");
        return await output;
    }
}
