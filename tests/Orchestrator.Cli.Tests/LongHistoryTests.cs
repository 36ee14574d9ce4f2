using System.Diagnostics;
using System.Text.Json;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk;
using Xunit.Abstractions;

namespace Orchestrator.Cli.Tests;

/// <summary>
/// The bar: a history of more than 12,000 events, exported with <c>workflow history ID --output json</c> (two pages
/// of the API's 10,000), is one file that <c>workflow replay</c> (in process and as the built tool) and
/// <see cref="WorkflowReplayer"/> replay; against a changed workflow class the replay exits 1 with the non-determinism.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class LongHistoryTests(CliEngine engine, ITestOutputHelper log)
{
    private const int Markers = 12_000;

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task TwelveThousandEventHistory_ExportedWithTheCli_ReplaysWithTheCli_AndAChangedWorkflowExits1()
    {
        var id = "long-" + Guid.NewGuid().ToString("N")[..8];
        var clock = Stopwatch.StartNew();
        var start = await engine.RunAsync("workflow", "start", "--type", "LongHistoryWorkflow", "--id", id, "--input", Markers.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--task-queue", engine.TaskQueue, "--wait");
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Contains("\"3 batches\"", start.Out, StringComparison.Ordinal);
        log.WriteLine($"run: {clock.Elapsed}");

        clock.Restart();
        var export = await engine.RunAsync("workflow", "history", id, "--output", "json");
        Assert.True(export.ExitCode == 0, export.Error);
        log.WriteLine($"export: {clock.Elapsed}, {export.Out.Length:N0} characters");
        var file = Path.Combine(Path.GetTempPath(), $"{id}.json");
        await File.WriteAllTextAsync(file, export.Out);
        try
        {
            var events = HistoryJson.ParseHistoryPage(export.Out).Events;
            Assert.True(events.Count > 12_000, $"{events.Count} events");
            log.WriteLine($"{events.Count} events");
            Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.EventId));
            Assert.Equal(EventTypes.WorkflowCompleted, events[^1].EventType);
            Assert.Equal((long)events.Count, (await engine.DescribeAsync(id)).GetProperty("historyLength").GetInt64());

            await WorkflowReplayer.ReplayAsync<LongHistoryWorkflow>(export.Out); // the SDK reads the same file

            var assembly = typeof(LongHistoryWorkflow).Assembly.Location;
            clock.Restart();
            var replay = await CliRun.InProcessAsync(["workflow", "replay", "--history", file, "--assembly", assembly, "--type", "LongHistoryWorkflow"]);
            Assert.True(replay.ExitCode == 0, replay.ToString());
            Assert.Equal($"OK: {events.Count} events of workflow type LongHistoryWorkflow replayed against {typeof(LongHistoryWorkflow).FullName}.", replay.Out.Trim());
            log.WriteLine($"replay: {clock.Elapsed}");

            var changed = await CliRun.InProcessAsync(["workflow", "replay", "--history", file, "--assembly", assembly, "--type", typeof(LongHistoryWorkflowChanged).FullName!]);
            Assert.True(changed.ExitCode == 1, changed.ToString());
            log.WriteLine(changed.Error);
            Assert.StartsWith("error: non-determinism: ", changed.Error, StringComparison.Ordinal);
            Assert.Contains("StartTimer", changed.Error, StringComparison.Ordinal);
            Assert.Single(changed.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));

            // the built tool, in its own folder: the workflow's dependency (Npgsql) resolves from the test assembly's folder
            var tool = await CliRun.ProcessAsync(["workflow", "replay", "--history", file, "--assembly", assembly, "--type", typeof(LongHistoryWorkflow).FullName!, "-o", "json"],
                new Dictionary<string, string>(), TimeSpan.FromSeconds(120));
            Assert.True(tool.ExitCode == 0, tool.ToString());
            using var result = JsonDocument.Parse(tool.Out);
            Assert.True(result.RootElement.GetProperty("ok").GetBoolean());
            Assert.Equal(events.Count, result.RootElement.GetProperty("events").GetInt32());
            Assert.Equal(typeof(LongHistoryWorkflow).FullName, result.RootElement.GetProperty("type").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
