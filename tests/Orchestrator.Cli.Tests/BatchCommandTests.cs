using System.Text.Json;

namespace Orchestrator.Cli.Tests;

/// <summary>The <c>batch</c> commands against a real engine and worker, run in this process through <c>Program.RunAsync</c>.</summary>
[Collection(CliCollection.Name)]
public sealed class BatchCommandTests(CliEngine engine)
{
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(60);

    private static string NewPrefix(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>Starts <paramref name="count"/> <see cref="WaitForGoWorkflow"/> runs (open until signal "go") with ids <c>{prefix}-{i}</c>.</summary>
    private async Task<string[]> StartWaitingAsync(string prefix, int count)
    {
        var ids = Enumerable.Range(1, count).Select(i => $"{prefix}-{i}").ToArray();
        foreach (var id in ids)
        {
            var start = await engine.RunAsync("workflow", "start", "--type", "WaitForGoWorkflow", "--id", id, "--task-queue", engine.TaskQueue);
            Assert.True(start.ExitCode == 0, start.ToString());
        }
        return ids;
    }

    private async Task<string> StatusAsync(string workflowId) => (await engine.DescribeAsync(workflowId)).GetProperty("status").GetString()!;

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
    public async Task StartTerminate_WithYes_TerminatesEveryMatchingOpenRunOnce_WaitAndDescribeShowIt_AndCancelAfterwardsExits2()
    {
        var prefix = NewPrefix("bt");
        var ids = await StartWaitingAsync(prefix, 3);
        var bystander = (await StartWaitingAsync(NewPrefix("bt-other"), 1))[0];

        var start = await engine.RunAsync("-o", "json", "batch", "start", "--query", $"WorkflowId STARTS_WITH '{prefix}'", "--operation", "terminate",
            "--reason", "bad deploy 4711", "--max-per-second", "100", "--yes");

        Assert.True(start.ExitCode == 0, start.ToString());
        string batchId;
        using (var started = JsonDocument.Parse(start.Out))
        {
            batchId = started.RootElement.GetProperty("batchId").GetString()!;
            Assert.Equal(3, started.RootElement.GetProperty("total").GetInt64());
        }
        var wait = await engine.RunAsync("batch", "wait", batchId);
        Assert.True(wait.ExitCode == 0, wait.ToString());
        Assert.Contains("Completed", wait.Out, StringComparison.Ordinal);
        Assert.Contains("3 of 3 done, 0 failed", wait.Out, StringComparison.Ordinal);
        foreach (var id in ids)
        {
            var run = await engine.DescribeAsync(id);
            Assert.Equal("Terminated", run.GetProperty("status").GetString());
            Assert.Contains("bad deploy 4711", run.GetProperty("failure").GetProperty("message").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal("Running", await StatusAsync(bystander));

        var describe = await engine.RunAsync("-o", "json", "batch", "describe", batchId);
        Assert.True(describe.ExitCode == 0, describe.ToString());
        using (var body = JsonDocument.Parse(describe.Out))
        {
            var b = body.RootElement;
            Assert.Equal(("Completed", "terminate", 3L, 0L, "bad deploy 4711", 100), (b.GetProperty("state").GetString(), b.GetProperty("operation").GetString(),
                b.GetProperty("done").GetInt64(), b.GetProperty("failed").GetInt64(), b.GetProperty("reason").GetString(), b.GetProperty("maxPerSecond").GetInt32()));
        }
        var table = await engine.RunAsync("batch", "describe", batchId);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("3 of 3 done, 0 failed", table.Out, StringComparison.Ordinal);
        Assert.Contains($"WorkflowId STARTS_WITH '{prefix}'", table.Out, StringComparison.Ordinal);

        var cancel = await engine.RunAsync("batch", "cancel", batchId);
        Assert.True(cancel.ExitCode == 2, cancel.ToString());
        Assert.Contains("409", cancel.Error, StringComparison.Ordinal);
        Assert.Contains("nothing left to cancel", cancel.Error, StringComparison.Ordinal);

        var unknown = await engine.RunAsync("batch", "describe", Guid.NewGuid().ToString());
        Assert.True(unknown.ExitCode == 3, unknown.ToString());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Start_WithoutYes_NotATerminal_Exit2_SaysTheCount_AndStartsNothing()
    {
        var prefix = NewPrefix("bn");
        var ids = await StartWaitingAsync(prefix, 2);

        var run = await engine.RunAsync("batch", "start", "--query", $"WorkflowId STARTS_WITH '{prefix}'", "--operation", "terminate");

        Assert.True(run.ExitCode == 2, run.ToString());
        var error = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: 2 open runs match the query now; not started", error, StringComparison.Ordinal);
        Assert.Contains("--yes", error, StringComparison.Ordinal);
        Assert.Equal("", run.Out);
        await Task.Delay(TimeSpan.FromSeconds(2)); // a batch, had one been started, terminates runs within milliseconds
        foreach (var id in ids)
        {
            Assert.Equal("Running", await StatusAsync(id));
        }
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Start_AtATerminal_AsksWithTheCountOfOpenRuns_NoStartsNothing_YesSignalsThem()
    {
        var prefix = NewPrefix("bs");
        var ids = await StartWaitingAsync(prefix, 2);
        var done = (await StartWaitingAsync(prefix + "-done", 1))[0]; // matches the query, but closed: not counted
        Assert.Equal(0, (await engine.RunAsync("workflow", "terminate", done)).ExitCode);
        var query = $"WorkflowId STARTS_WITH '{prefix}' ORDER BY StartTime DESC"; // the count leaves the ORDER BY out
        string[] args = ["batch", "start", "-q", query, "--operation", "signal", "--signal-name", "go", "--input", "\"batched\""];

        var no = await RunAtTerminalAsync("n\n", args);

        Assert.True(no.ExitCode == 2, no.ToString());
        Assert.Contains("2 open runs match the query now. Send signal go to them? [y/N] ", no.Error, StringComparison.Ordinal);
        Assert.Contains("error: not confirmed: no batch started.", no.Error, StringComparison.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal("Running", await StatusAsync(ids[0]));

        var yes = await RunAtTerminalAsync("yes\n", [.. args, "--wait"]);

        Assert.True(yes.ExitCode == 0, yes.ToString());
        Assert.Contains("Send signal go to them? [y/N] ", yes.Error, StringComparison.Ordinal);
        Assert.Contains("2 of 2 done, 0 failed", yes.Out, StringComparison.Ordinal);
        foreach (var id in ids)
        {
            var result = await engine.RunAsync("workflow", "result", id); // the signal is in; the run completes with its payload
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("\"batched\"", result.Out, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Start_AtATerminal_NoOpenRunMatches_Exit0_NothingAsked()
    {
        var run = await RunAtTerminalAsync("", "batch", "start", "-q", $"WorkflowId = '{NewPrefix("none")}'", "--operation", "cancel");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("No open run matches the query: no batch started.", run.Error.Trim());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Cancel_ARunningBatch_StopsIt_AndWaitExits1SayingSo()
    {
        var prefix = NewPrefix("bc");
        var ids = await StartWaitingAsync(prefix, 4);
        var start = await engine.RunAsync("-o", "json", "batch", "start", "-q", $"WorkflowId STARTS_WITH '{prefix}'", "--operation", "cancel",
            "--max-per-second", "1", "--yes");
        Assert.True(start.ExitCode == 0, start.ToString());
        using var started = JsonDocument.Parse(start.Out);
        var batchId = started.RootElement.GetProperty("batchId").GetString()!;

        var cancel = await engine.RunAsync("batch", "cancel", batchId);

        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.StartsWith($"Batch {batchId} Canceled: ", cancel.Out, StringComparison.Ordinal);
        var wait = await engine.RunAsync("batch", "wait", batchId);
        Assert.True(wait.ExitCode == 1, wait.ToString());
        Assert.Contains($"error: batch {batchId} was canceled", wait.Error, StringComparison.Ordinal);
        var json = await engine.RunAsync("-o", "json", "batch", "describe", batchId);
        using var body = JsonDocument.Parse(json.Out);
        Assert.Equal("Canceled", body.RootElement.GetProperty("state").GetString());
        Assert.True(body.RootElement.GetProperty("done").GetInt64() < ids.Length, json.Out);
    }

    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Start_BadQuery_Exit2_WithThePositionInTheQueryAsWritten(bool yes)
    {
        string[] args = ["batch", "start", "--query", "WorkflowType = = 'A'", "--operation", "terminate"];

        var run = await engine.RunAsync(yes ? [.. args, "--yes"] : args);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("position 15", run.Error, StringComparison.Ordinal);
    }
}

/// <summary>What <c>batch start</c> refuses before it calls the engine (the address given is not listening: a call would exit 4).</summary>
public sealed class BatchUsageTests
{
    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("batch start --operation terminate --yes", "Option '--query' is required.")]
    [InlineData("batch start -q x --yes", "Option '--operation' is required.")]
    [InlineData("batch start -q x --operation delete --yes", "Argument 'delete' not recognized")]
    [InlineData("batch start -q x --operation signal --yes", "--operation signal needs --signal-name.")]
    [InlineData("batch start -q x --operation signal --signal-name go --reason r --yes", "--reason is for --operation cancel and terminate.")]
    [InlineData("batch start -q x --operation terminate --signal-name go --yes", "--signal-name is only for --operation signal.")]
    [InlineData("batch start -q x --operation cancel --input 1 --yes", "--input is only for --operation signal.")]
    [InlineData("batch start -q x --operation signal --signal-name go --input {bad --yes", "--input is not valid JSON")]
    [InlineData("batch start -q x --operation cancel --max-per-second 0 --yes", "--max-per-second must be at least 1.")]
    [InlineData("batch describe", "Required argument missing")]
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

    [Theory]
    [InlineData("WorkflowType = 'A' ORDER BY StartTime DESC", "WorkflowType = 'A' ")]
    [InlineData("WorkflowId = 'order by me' order\tby CloseTime", "WorkflowId = 'order by me' ")]
    [InlineData("Note = \"it\"\" ORDER BY\" AND X_ORDER = 1", "Note = \"it\"\" ORDER BY\" AND X_ORDER = 1")]
    [InlineData("ORDER BY StartTime", "")]
    public void WithoutOrder_CutsTheFirstOrderByOutsideQuotes(string query, string expected) =>
        Assert.Equal(expected, Commands.BatchConfirmation.WithoutOrder(query));
}
