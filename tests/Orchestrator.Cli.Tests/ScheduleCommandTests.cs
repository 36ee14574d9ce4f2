using System.Text.Json;

namespace Orchestrator.Cli.Tests;

/// <summary>The schedule commands against a real engine and worker, run in this process through <c>Program.RunAsync</c>.</summary>
[Collection(CliCollection.Name)]
public sealed class ScheduleCommandTests(CliEngine engine)
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private async Task<string> CreateAsync(string prefix, bool paused = true)
    {
        var id = NewId(prefix);
        var file = Path.Combine(Path.GetTempPath(), id + ".json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new
        {
            scheduleId = id, spec = new { cron = new[] { "0 * * * * *" } },
            action = new { workflowType = "GreetWorkflow", taskQueue = engine.TaskQueue, input = "Sched" },
            policy = new { overlap = "AllowAll" }, state = new { paused },
        }));
        var created = await engine.RunAsync("schedule", "create", "--file", file);
        File.Delete(file);
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"Schedule {id} created.", created.Out, StringComparison.Ordinal);
        return id;
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task CreateListDescribePauseUnpauseDelete_RoundTrip()
    {
        var id = await CreateAsync("cli-sched", paused: false);
        var list = await engine.RunAsync("-o", "json", "schedule", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(JsonDocument.Parse(list.Out).RootElement.EnumerateArray(), s => s.GetProperty("scheduleId").GetString() == id);

        var paused = await engine.RunAsync("schedule", "pause", id, "--note", "quiet hours");
        Assert.True(paused.ExitCode == 0, paused.ToString());
        var described = await engine.RunAsync("-o", "json", "schedule", "describe", id);
        Assert.True(described.ExitCode == 0, described.ToString());
        var state = JsonDocument.Parse(described.Out).RootElement.GetProperty("state");
        Assert.True(state.GetProperty("paused").GetBoolean());
        Assert.Equal("quiet hours", state.GetProperty("note").GetString());

        Assert.Equal(0, (await engine.RunAsync("schedule", "unpause", id)).ExitCode);
        var table = await engine.RunAsync("schedule", "describe", id);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("0 * * * * *", table.Out, StringComparison.Ordinal);
        Assert.Contains("Next times", table.Out, StringComparison.Ordinal);

        Assert.Equal(0, (await engine.RunAsync("schedule", "delete", id)).ExitCode);
        Assert.Equal(3, (await engine.RunAsync("schedule", "describe", id)).ExitCode);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Trigger_StartsARunWithTheDerivedId_AndBackfillStartsOnePerTime()
    {
        var id = await CreateAsync("cli-trig");
        var triggered = await engine.RunAsync("-o", "json", "schedule", "trigger", id);
        Assert.True(triggered.ExitCode == 0, triggered.ToString());
        var result = JsonDocument.Parse(triggered.Out).RootElement;
        Assert.Equal("Started", result.GetProperty("outcome").GetString());
        var workflowId = result.GetProperty("workflowId").GetString()!;
        Assert.StartsWith(id + "-", workflowId, StringComparison.Ordinal);
        var done = await engine.RunAsync("workflow", "result", workflowId);
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.Contains("Hello, Sched!", done.Out, StringComparison.Ordinal);

        var backfill = await engine.RunAsync("schedule", "backfill", id, "--start", "2026-01-01T00:00:00Z", "--end", "2026-01-01T00:03:00Z");
        Assert.True(backfill.ExitCode == 0, backfill.ToString());
        foreach (var minute in new[] { "00:00", "01:00", "02:00" })
        {
            // the engine's schedule loop takes the backfill after the call: until then the run does not exist (exit 3)
            var deadline = DateTime.UtcNow.AddSeconds(60);
            CliRun run;
            while ((run = await engine.RunAsync("workflow", "result", $"{id}-2026-01-01T00:{minute}Z")).ExitCode == 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            Assert.True(run.ExitCode == 0, run.ToString());
        }
    }

    [Theory]
    [InlineData("schedule", "backfill", "x", "--start", "yesterday", "--end", "2026-01-01T00:00:00Z")]
    [InlineData("schedule", "backfill", "x", "--start", "2026-01-02T00:00:00Z", "--end", "2026-01-01T00:00:00Z")]
    [InlineData("schedule", "create", "--file", "/nonexistent/schedule.json")]
    [InlineData("schedule", "trigger")]
    public async Task BadUsage_Exits2(params string[] args) => Assert.Equal(2, (await engine.RunAsync(args)).ExitCode);

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task UnknownSchedule_Exits3() => Assert.Equal(3, (await engine.RunAsync("schedule", "pause", "no-such-schedule")).ExitCode);
}
