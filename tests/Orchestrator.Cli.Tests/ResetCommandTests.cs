using System.Text.Json;

namespace Orchestrator.Cli.Tests;

/// <summary><c>workflow reset</c> against a real engine and worker, run in this process through <c>Program.RunAsync</c>.</summary>
[Collection(CliCollection.Name)]
public sealed class ResetCommandTests(CliEngine engine)
{
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(30);

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>Starts a <see cref="WaitForGoWorkflow"/> (open until signal "go") and waits until its first workflow task completed.</summary>
    private async Task<string> StartWaitingAsync(string id)
    {
        var start = await engine.RunAsync("workflow", "start", "--type", "WaitForGoWorkflow", "--id", id, "--task-queue", engine.TaskQueue);
        Assert.True(start.ExitCode == 0, start.ToString());
        var deadline = DateTime.UtcNow + WaitTimeout;
        while (true)
        {
            var run = await engine.DescribeAsync(id);
            if (run.GetProperty("historyLength").GetInt64() >= 4) // WorkflowStarted, WorkflowTask Scheduled, Started, Completed
            {
                return run.GetProperty("runId").GetString()!;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the first workflow task of {id} did not complete: {run}");
            await Task.Delay(100);
        }
    }

    private async Task<JsonElement> DescribeRunAsync(string workflowId, string runId)
    {
        var run = await engine.RunAsync("-o", "json", "workflow", "describe", workflowId, "--run-id", runId);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var body = JsonDocument.Parse(run.Out);
        return body.RootElement.Clone();
    }

    /// <summary>The CLI with stdin <paramref name="input"/> at a terminal (<c>InIsTerminal</c>), as a person typing the answer.</summary>
    private async Task<CliRun> RunAtTerminalAsync(string input, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stdin = new StringReader(input);
        var terminal = new CliTerminal(TextWriter.Synchronized(output), TextWriter.Synchronized(error),
            name => name == "ORCHESTRATOR_ADDRESS" ? engine.Address : name == "ORCHESTRATOR_API_KEY" ? engine.ApiKey : null, In: stdin, InIsTerminal: true);
        var code = await Program.RunAsync(args, terminal);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ResetToLast_WithYes_PrintsTheNewRun_TerminatesTheOpenRun_LinksBoth_AndTheNewRunGoesOn()
    {
        var id = NewId("rl");
        var old = await StartWaitingAsync(id);

        var reset = await engine.RunAsync("workflow", "reset", id, "--reason", "fixed the rule", "--to", "last", "--yes");

        Assert.True(reset.ExitCode == 0, reset.ToString());
        var latest = await engine.DescribeAsync(id);
        var newRun = latest.GetProperty("runId").GetString()!;
        Assert.NotEqual(old, newRun);
        Assert.Equal($"Workflow {id} reset to the last completed workflow task: new run {newRun}. Follow it: orchestrator workflow describe {id}",
            reset.Out.Trim());
        Assert.Equal("", reset.Error);
        Assert.Equal(old, latest.GetProperty("resetFromRunId").GetString());
        var before = await DescribeRunAsync(id, old);
        Assert.Equal("Terminated", before.GetProperty("status").GetString());
        Assert.Equal("reset: fixed the rule", before.GetProperty("failure").GetProperty("message").GetString());
        Assert.Equal(newRun, before.GetProperty("resetToRunId").GetString());
        var table = await engine.RunAsync("workflow", "describe", id);
        Assert.Contains($"Reset from run  {old}", table.Out, StringComparison.Ordinal);

        Assert.Equal(0, (await engine.RunAsync("workflow", "signal", id, "--name", "go", "--input", "\"after reset\"")).ExitCode);
        var result = await engine.RunAsync("workflow", "result", id);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"after reset\"", result.Out, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ResetToFirst_OfACompletedRun_Json_IsTheEnginesAnswer_SignalReapplied_OldRunKeepsItsStatus_AndRunIdResetsAnOlderRun()
    {
        var id = NewId("rf");
        var first = await StartWaitingAsync(id);
        Assert.Equal(0, (await engine.RunAsync("workflow", "signal", id, "--name", "go", "--input", "\"before reset\"")).ExitCode);
        Assert.Equal(0, (await engine.RunAsync("workflow", "result", id)).ExitCode);

        var reset = await engine.RunAsync("-o", "json", "workflow", "reset", id, "--reason", "again", "--to", "FirstWorkflowTask", "-y");

        Assert.True(reset.ExitCode == 0, reset.ToString());
        string second;
        using (var body = JsonDocument.Parse(reset.Out))
        {
            Assert.Equal(id, body.RootElement.GetProperty("workflowId").GetString());
            second = body.RootElement.GetProperty("runId").GetString()!;
        }
        Assert.NotEqual(first, second);
        var result = await engine.RunAsync("workflow", "result", id); // the signal after the first task is re-applied
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("\"before reset\"", result.Out, StringComparison.Ordinal);
        var old = await DescribeRunAsync(id, first);
        Assert.Equal("Completed", old.GetProperty("status").GetString());
        Assert.Equal(second, old.GetProperty("resetToRunId").GetString());

        // --run-id: the first run again, by the event id of its first WorkflowTaskCompleted (4)
        var again = await engine.RunAsync("-o", "json", "workflow", "reset", id, "--reason", "third", "--event-id", "4", "--run-id", first, "--yes");

        Assert.True(again.ExitCode == 0, again.ToString());
        using var third = JsonDocument.Parse(again.Out);
        var thirdRun = third.RootElement.GetProperty("runId").GetString()!;
        Assert.Equal(first, (await DescribeRunAsync(id, thirdRun)).GetProperty("resetFromRunId").GetString());
        Assert.Equal(thirdRun, (await DescribeRunAsync(id, first)).GetProperty("resetToRunId").GetString());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Reset_EventThatIsNotAWorkflowTask_Exit2_NamingTheEvent_NothingChanged()
    {
        var id = NewId("re");
        var run = await StartWaitingAsync(id);

        var reset = await engine.RunAsync("workflow", "reset", id, "--reason", "r", "--event-id", "1", "--yes");

        Assert.True(reset.ExitCode == 2, reset.ToString());
        Assert.Contains("400", reset.Error, StringComparison.Ordinal);
        Assert.Contains("Event 1 is a WorkflowStarted", reset.Error, StringComparison.Ordinal);
        Assert.Equal("", reset.Out);
        var latest = await engine.DescribeAsync(id);
        Assert.Equal((run, "Running"), (latest.GetProperty("runId").GetString(), latest.GetProperty("status").GetString()));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Reset_WithoutYes_NotATerminal_Exit2_SaysWhatItWouldDo_AndResetsNothing()
    {
        var id = NewId("rn");
        var run = await StartWaitingAsync(id);

        var reset = await engine.RunAsync("workflow", "reset", id, "--reason", "r", "--to", "first");

        Assert.True(reset.ExitCode == 2, reset.ToString());
        var error = Assert.Single(reset.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: workflow {id} run {run} (Running, 4 events): not reset", error, StringComparison.Ordinal);
        Assert.Contains("Pass --yes to reset it to the first workflow task (the run, still open, is terminated with reason 'reset: r')", error,
            StringComparison.Ordinal);
        Assert.Equal("", reset.Out);
        var latest = await engine.DescribeAsync(id);
        Assert.Equal((run, "Running"), (latest.GetProperty("runId").GetString(), latest.GetProperty("status").GetString()));
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Reset_AtATerminal_AsksWhatItWillDo_NoResetsNothing_YesResets()
    {
        var id = NewId("rt");
        var run = await StartWaitingAsync(id);
        string[] args = ["workflow", "reset", id, "--reason", "deploy 4712", "--event-id", "3"];

        var no = await RunAtTerminalAsync("n\n", args);

        Assert.True(no.ExitCode == 2, no.ToString());
        Assert.Contains($"Reset workflow {id} run {run} (Running, 4 events) to the workflow task of event 3? A new run replays its history up to there "
            + "and the run, still open, is terminated with reason 'reset: deploy 4712'. [y/N] ", no.Error, StringComparison.Ordinal);
        Assert.Contains("error: not confirmed: nothing reset.", no.Error, StringComparison.Ordinal);
        Assert.Equal(run, (await engine.DescribeAsync(id)).GetProperty("runId").GetString());

        var ended = await RunAtTerminalAsync("", args); // end of input: no

        Assert.True(ended.ExitCode == 2, ended.ToString());
        Assert.Equal(run, (await engine.DescribeAsync(id)).GetProperty("runId").GetString());

        var yes = await RunAtTerminalAsync("y\n", args);

        Assert.True(yes.ExitCode == 0, yes.ToString());
        var latest = await engine.DescribeAsync(id);
        Assert.NotEqual(run, latest.GetProperty("runId").GetString());
        Assert.Contains($"new run {latest.GetProperty("runId").GetString()}", yes.Out, StringComparison.Ordinal);
        Assert.Equal("Terminated", (await DescribeRunAsync(id, run)).GetProperty("status").GetString());
    }

    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Reset_UnknownWorkflow_Exit3(bool yes)
    {
        string[] args = ["workflow", "reset", NewId("none"), "--reason", "r", "--to", "last"];

        var reset = await engine.RunAsync(yes ? [.. args, "--yes"] : args);

        Assert.True(reset.ExitCode == 3, reset.ToString());
        Assert.StartsWith("error: not found: ", reset.Error, StringComparison.Ordinal);
    }
}

/// <summary>What <c>workflow reset</c> refuses before it calls the engine (the address given is not listening: a call would exit 4).</summary>
public sealed class ResetUsageTests
{
    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("workflow reset w --to last --yes", "Option '--reason' is required.")]
    [InlineData("workflow reset --reason r --to last --yes", "Required argument missing")]
    [InlineData("workflow reset w --reason r --yes", "say where to go back to: --to last")]
    [InlineData("workflow reset w --reason r --to last --event-id 3 --yes", "give --event-id or --to, not both.")]
    [InlineData("workflow reset w --reason r --to middle --yes", "--to 'middle' is not one of: last, first, LastWorkflowTask, FirstWorkflowTask.")]
    [InlineData("workflow reset w --reason r --event-id 0 --yes", "--event-id must be at least 1")]
    [InlineData("workflow reset w --reason r --event-id x --yes", "Cannot parse argument 'x'")]
    public async Task UsageError_Exit2_NothingSent(string commandLine, string message)
    {
        var run = await CliRun.InProcessAsync(commandLine.Split(' '),
            new Dictionary<string, string?> { ["ORCHESTRATOR_ADDRESS"] = $"http://127.0.0.1:{CliEngine.FreePort()}" });

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
    }

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("  ")]
    [InlineData("")]
    public async Task BlankReason_Exit2_NothingSent(string reason)
    {
        var run = await CliRun.InProcessAsync(["workflow", "reset", "w", "--reason", reason, "--to", "last", "--yes"],
            new Dictionary<string, string?> { ["ORCHESTRATOR_ADDRESS"] = $"http://127.0.0.1:{CliEngine.FreePort()}" });

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--reason is empty", run.Error, StringComparison.Ordinal);
    }
}
