using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk;

namespace Orchestrator.Bench;

/// <summary>
/// <c>replay HISTORY WARMUP [REPEATS]</c>: in this fresh process, replays <c>HISTORY</c> (a <c>GET .../history</c> body of a
/// <see cref="ChainWorkflow"/> run) the way a worker does when its cache does not hold the run: parse the JSON, build a new
/// instance, apply every event. Prints one JSON line with:
/// <c>jitColdMs</c> (the very first replay in the process, before anything was compiled), then, after one replay of the
/// small <c>WARMUP</c> history (what a worker that has served any task already has), <c>REPEATS</c> cache-cold replays of
/// <c>HISTORY</c>: <c>firstMs</c>, <c>medianMs</c>, <c>minMs</c>, each with a fresh instance; <c>cpuMedianMs</c> is the
/// process's CPU time (all threads: JIT and GC included) of each replay, the figure that stays put when other processes
/// load the machine.
/// </summary>
internal static class ReplayProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2)
        {
            await Console.Error.WriteLineAsync("usage: replay HISTORY.json WARMUP.json [REPEATS] [--jit-cold]");
            return 2;
        }
        var history = await File.ReadAllTextAsync(args[0]);
        var warmup = await File.ReadAllTextAsync(args[1]);
        var repeats = args.Length > 2 && int.TryParse(args[2], out var r) ? r : 7;
        var jitCold = args.Contains("--jit-cold");

        double? jitColdMs = null;
        if (jitCold)
        {
            jitColdMs = await TimeAsync(history);
        }
        else
        {
            await WorkflowReplayer.ReplayAsync<ChainWorkflow>(warmup);
        }
        var times = new List<double>();
        var cpu = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var cpu0 = CpuMs();
            times.Add(await TimeAsync(history));
            cpu.Add(CpuMs() - cpu0);
        }
        var sorted = times.Order().ToList();
        // the two halves of a replay: parsing the history JSON, and walking the parsed events through a new instance
        var parse = new List<double>();
        var walk = new List<double>();
        var parseCpu = new List<double>();
        var walkCpu = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var cpu0 = CpuMs();
            var sw = Stopwatch.StartNew();
            var events = HistoryJson.ParseHistoryPage(history).Events;
            parse.Add(sw.Elapsed.TotalMilliseconds);
            var cpu1 = CpuMs();
            parseCpu.Add(cpu1 - cpu0);
            sw.Restart();
            await WorkflowReplayer.ReplayAsync<ChainWorkflow>(events);
            walk.Add(sw.Elapsed.TotalMilliseconds);
            walkCpu.Add(CpuMs() - cpu1);
        }
        using var doc = JsonDocument.Parse(history);
        var result = new
        {
            events = doc.RootElement.GetProperty("events").GetArrayLength(),
            historyBytes = history.Length,
            jitColdMs,
            firstMs = times[0],
            medianMs = sorted[sorted.Count / 2],
            minMs = sorted[0],
            allMs = times,
            cpuMedianMs = Median(cpu),
            allCpuMs = cpu,
            parseMedianMs = Median(parse),
            walkMedianMs = Median(walk),
            parseCpuMedianMs = Median(parseCpu),
            walkCpuMedianMs = Median(walkCpu),
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static double CpuMs() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    private static async Task<double> TimeAsync(string history)
    {
        var sw = Stopwatch.StartNew();
        await WorkflowReplayer.ReplayAsync<ChainWorkflow>(history);
        return sw.Elapsed.TotalMilliseconds;
    }
}
