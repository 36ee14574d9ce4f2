namespace Orchestrator.Cli.Tests;

/// <summary>What the CLI says without an engine: usage errors (2), an engine that is down (4), replay's file errors.</summary>
public sealed class UsageAndOfflineTests
{
    private const string OneEventHistory =
        "{\"events\":[{\"eventId\":1,\"eventType\":\"WorkflowStarted\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"attributes\":{\"workflowType\":\"GreetWorkflow\",\"taskQueue\":\"q\",\"input\":\"Ada\",\"randomSeed\":1}}],\"nextPageToken\":null}";

    private static readonly string TestAssembly = typeof(GreetWorkflow).Assembly.Location;

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("workflow start", "Option '--type' is required.")]
    [InlineData("workflow", "Required command was not provided.")]
    [InlineData("workflow launch --type X", "unknown command or argument 'launch'.")]
    [InlineData("workflow describe", "Required argument missing")]
    [InlineData("--output yaml workflow describe x", "Argument 'yaml' not recognized")]
    [InlineData("workflow list --limit 0", "--limit must be at least 1.")]
    [InlineData("workflow list --status Sleeping", "Argument 'Sleeping' not recognized")]
    [InlineData("workflow list --query x --status Running", "--query cannot be combined")]
    [InlineData("workflow signal x", "Option '--name' is required.")]
    [InlineData("workflow replay --history h.json", "Option '--assembly' is required.")]
    public async Task UsageError_Exit2_OneLineWithTheHelpCommand(string commandLine, string message)
    {
        var run = await CliRun.InProcessAsync(commandLine.Split(' '));

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.Contains("--help)", line, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("--address", "foo")]
    [InlineData("--address", "ftp://127.0.0.1:5080")]
    [InlineData("--api-key", "two words")]
    public async Task BadAddressOrKey_Exit2(string option, string value)
    {
        var run = await CliRun.InProcessAsync(["workflow", "describe", "x", option, value]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("error: " + option, run.Error, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Help_Exit0_ListsTheCommands()
    {
        var run = await CliRun.InProcessAsync(["workflow", "--help"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var command in new[] { "start", "list", "count", "describe", "history", "result", "signal", "cancel", "terminate", "replay" })
        {
            Assert.Contains("  " + command + " ", run.Out, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task EngineDown_Exit4_OneLineNamingTheAddress()
    {
        var address = $"http://127.0.0.1:{CliEngine.FreePort()}";
        foreach (var args in new[] { new[] { "workflow", "list" }, ["workflow", "start", "--type", "GreetWorkflow", "--wait"], ["workflow", "history", "x", "--follow"] })
        {
            var run = await CliRun.InProcessAsync(args, new Dictionary<string, string?> { ["ORCHESTRATOR_ADDRESS"] = address });

            Assert.True(run.ExitCode == 4, run.ToString());
            Assert.Equal($"error: cannot reach the engine at {address}: Connection refused", run.Error.Trim());
        }
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Replay_MissingFiles_Exit3_MalformedHistory_Exit2()
    {
        var dir = Directory.CreateTempSubdirectory("cli-replay-");
        try
        {
            var good = Path.Combine(dir.FullName, "h.json");
            await File.WriteAllTextAsync(good, OneEventHistory);

            var noHistory = await Replay(Path.Combine(dir.FullName, "none.json"), TestAssembly, "GreetWorkflow");
            Assert.Equal(3, noHistory.ExitCode);
            Assert.StartsWith("error: no history file ", noHistory.Error, StringComparison.Ordinal);

            var noAssembly = await Replay(good, Path.Combine(dir.FullName, "None.dll"), "GreetWorkflow");
            Assert.Equal(3, noAssembly.ExitCode);

            var noType = await Replay(good, TestAssembly, "NoSuchWorkflow");
            Assert.True(noType.ExitCode == 3, noType.ToString());
            Assert.Contains("has no type 'NoSuchWorkflow'", noType.Error, StringComparison.Ordinal);
            Assert.Contains(typeof(GreetWorkflow).FullName!, noType.Error, StringComparison.Ordinal); // the classes it has

            var otherType = await Replay(good, TestAssembly, "OutOfStockWorkflow");
            Assert.True(otherType.ExitCode == 2, otherType.ToString());
            Assert.Contains("The history is of workflow type 'GreetWorkflow'", otherType.Error, StringComparison.Ordinal);

            foreach (var (name, text, expected) in new[]
            {
                ("broken.json", "{\"events\":[", "is not a history"),
                ("items.json", "{\"items\":[]}", "is not a history"),
                ("page.json", OneEventHistory.Replace("\"nextPageToken\":null", "\"nextPageToken\":\"aDoxMDAwMA==\"", StringComparison.Ordinal), "is one page of a longer history"),
                ("empty.json", "{\"events\":[]}", "does not start at event 1"),
                ("badstart.json", OneEventHistory.Replace("\"randomSeed\":1", "\"randomSeed\":\"x\"", StringComparison.Ordinal), "is not a history"),
            })
            {
                var path = Path.Combine(dir.FullName, name);
                await File.WriteAllTextAsync(path, text);
                var run = await Replay(path, TestAssembly, "GreetWorkflow");
                Assert.True(run.ExitCode == 2, $"{name}: {run}");
                Assert.Contains(expected, run.Error, StringComparison.Ordinal);
                Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            }

            var notDotNet = Path.Combine(dir.FullName, "native.dll");
            await File.WriteAllTextAsync(notDotNet, "MZ not really");
            Assert.Equal(2, (await Replay(good, notDotNet, "GreetWorkflow")).ExitCode);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Replay_WithoutType_FindsTheClassOfTheHistorysWorkflowType_AndSaysWhenItIsAmbiguous()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, OneEventHistory);
            var found = await CliRun.InProcessAsync(["-o", "json", "workflow", "replay", "--history", file, "--assembly", TestAssembly]);
            Assert.True(found.ExitCode == 0, found.ToString());
            Assert.Contains(typeof(GreetWorkflow).FullName!, found.Out, StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, OneEventHistory.Replace("GreetWorkflow", "LongHistoryWorkflow", StringComparison.Ordinal));
            var ambiguous = await CliRun.InProcessAsync(["workflow", "replay", "--history", file, "--assembly", TestAssembly]);
            Assert.True(ambiguous.ExitCode == 2, ambiguous.ToString());
            Assert.Contains("is ambiguous", ambiguous.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Task<CliRun> Replay(string history, string assembly, string type) =>
        CliRun.InProcessAsync(["workflow", "replay", "--history", history, "--assembly", assembly, "--type", type]);
}
