using System.Text.Json;

namespace Orchestrator.Cli.Tests;

/// <summary>The workflow commands against a real engine and worker, run in this process through <c>Program.RunAsync</c>.</summary>
[Collection(CliCollection.Name)]
public sealed class WorkflowCommandTests(CliEngine engine)
{
    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>Starts a <see cref="WaitForGoWorkflow"/> (open until signal "go") with the CLI.</summary>
    private async Task<string> StartWaitingAsync(string prefix)
    {
        var id = NewId(prefix);
        var start = await engine.RunAsync("workflow", "start", "--type", "WaitForGoWorkflow", "--id", id, "--task-queue", engine.TaskQueue);
        Assert.True(start.ExitCode == 0, start.ToString());
        return id;
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task StartWait_RealWorkflow_PrintsResult_Exit0_WithProgressOnStderr()
    {
        var id = NewId("greet");
        var run = await engine.RunAsync("workflow", "start", "--type", "GreetWorkflow", "--id", id, "--input", "\"Ada\"", "--task-queue", engine.TaskQueue, "--wait");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Hello, Ada!", run.Out, StringComparison.Ordinal);
        Assert.StartsWith($"Completed: workflow {id}", run.Out, StringComparison.Ordinal);
        Assert.Contains($"waiting for the result of {id}", run.Error, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task StartWait_JsonOutput_IsTheClosedRunsDescription()
    {
        var id = NewId("greet-json");
        var run = await engine.RunAsync("--output", "json", "workflow", "start", "--type", "GreetWorkflow", "--id", id, "--input", "\"Bo\"",
            "--task-queue", engine.TaskQueue, "--wait");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var body = JsonDocument.Parse(run.Out);
        Assert.Equal(id, body.RootElement.GetProperty("workflowId").GetString());
        Assert.Equal("Completed", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Hello, Bo!", body.RootElement.GetProperty("result").GetString());
        Assert.Equal("GreetWorkflow", body.RootElement.GetProperty("workflowType").GetString());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task StartWithoutWait_PrintsIds_AndResultWaitsForIt()
    {
        var id = NewId("greet-later");
        var started = await engine.RunAsync("-o", "json", "workflow", "start", "--type", "GreetWorkflow", "--id", id, "--input", "\"Cy\"", "--task-queue", engine.TaskQueue);
        Assert.True(started.ExitCode == 0, started.ToString());
        using var ids = JsonDocument.Parse(started.Out);
        Assert.Equal(id, ids.RootElement.GetProperty("workflowId").GetString());
        Assert.True(Guid.TryParse(ids.RootElement.GetProperty("runId").GetString(), out _), started.Out);

        var result = await engine.RunAsync("workflow", "result", id);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Hello, Cy!", result.Out, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task StartWait_FailingWorkflow_Exit1_FailureOnOneStderrLine()
    {
        var id = NewId("fail");
        var run = await engine.RunAsync("workflow", "start", "--type", "OutOfStockWorkflow", "--id", id, "--task-queue", engine.TaskQueue, "--wait");

        Assert.True(run.ExitCode == 1, run.ToString());
        var error = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains($"workflow {id}", error, StringComparison.Ordinal);
        Assert.Contains("Failed: InvalidOperationException: Item pen is out of stock.", error, StringComparison.Ordinal);
        Assert.StartsWith($"Failed: workflow {id}", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal); // no stack trace
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Signal_ReachesTheWorkflow_AndItsResultIsThePayload()
    {
        var id = await StartWaitingAsync("signal");

        var signal = await engine.RunAsync("workflow", "signal", id, "--name", "go", "--input", "\"now\"");
        Assert.True(signal.ExitCode == 0, signal.ToString());
        Assert.Equal($"Signal go sent to workflow {id}.", signal.Out.Trim());

        var result = await engine.RunAsync("-o", "json", "workflow", "result", id);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var body = JsonDocument.Parse(result.Out);
        Assert.Equal("now", body.RootElement.GetProperty("result").GetString());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Query_PrintsTheResultAsJson_BeforeAndAfterTheRunCloses_AndAnUnknownQueryExitsWithTheProblem()
    {
        var id = await StartWaitingAsync("query");

        var waiting = await engine.RunAsync("workflow", "query", id, "--name", "state");
        Assert.True(waiting.ExitCode == 0, waiting.ToString());
        Assert.Equal("\"waiting\"", waiting.Out.Trim());
        var echo = await engine.RunAsync("workflow", "query", id, "--name", "echo", "--input", "[1,2]", "--timeout", "20");
        Assert.True(echo.ExitCode == 0, echo.ToString());
        Assert.Equal([1, 2], JsonSerializer.Deserialize<int[]>(echo.Out)!);

        Assert.Equal(0, (await engine.RunAsync("workflow", "signal", id, "--name", "go")).ExitCode);
        Assert.Equal(0, (await engine.RunAsync("workflow", "result", id)).ExitCode);
        var went = await engine.RunAsync("workflow", "query", id, "--name", "state");
        Assert.Equal("\"went\"", went.Out.Trim());

        var unknown = await engine.RunAsync("workflow", "query", id, "--name", "nope");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("has no query 'nope'", unknown.Error, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Update_PrintsTheHandlersResult_AppliesAnUpdateIdOnce_AndARejectionExitsWithTheValidatorsMessage()
    {
        var id = await StartWaitingAsync("update");

        var renamed = await engine.RunAsync("workflow", "update", id, "--name", "Rename", "--input", "\"paused\"", "--update-id", "u-1");
        Assert.True(renamed.ExitCode == 0, renamed.ToString());
        Assert.Equal("\"waiting\"", renamed.Out.Trim());
        // the same id again: not applied again, the first outcome
        var again = await engine.RunAsync("workflow", "update", id, "--name", "Rename", "--input", "\"other\"", "--update-id", "u-1");
        Assert.Equal("\"waiting\"", again.Out.Trim());
        Assert.Equal("\"paused\"", (await engine.RunAsync("workflow", "query", id, "--name", "state")).Out.Trim());

        var rejected = await engine.RunAsync("workflow", "update", id, "--name", "Rename", "--input", "\"\"");
        Assert.Equal(1, rejected.ExitCode);
        Assert.Contains("The update was rejected", rejected.Error, StringComparison.Ordinal);
        Assert.Contains("empty", rejected.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await engine.RunAsync("workflow", "signal", id, "--name", "go")).ExitCode);
    }

    private static string SourceFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Stack_PrintsWhatTheRunWaitsOn_AndWhere_AsTextOrJson()
    {
        var id = await StartWaitingAsync("stack");
        var line = Array.FindIndex(File.ReadAllLines(Path.Combine(Path.GetDirectoryName(SourceFile())!, "CliWorkflows.cs")),
            l => l.Contains("WaitForSignalAsync<string>(\"go\")", StringComparison.Ordinal)) + 1;

        var text = await engine.RunAsync("workflow", "stack", id);
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Equal($"signal \"go\" at CliWorkflows.cs:{line}", text.Out.Trim());

        var json = await engine.RunAsync("workflow", "stack", id, "--output", "json");
        using var document = System.Text.Json.JsonDocument.Parse(json.Out);
        var wait = Assert.Single(document.RootElement.EnumerateArray());
        Assert.Equal("signal", wait.GetProperty("kind").GetString());
        Assert.Equal($"CliWorkflows.cs:{line}", wait.GetProperty("location").GetString());

        Assert.Equal(0, (await engine.RunAsync("workflow", "signal", id, "--name", "go")).ExitCode);
        Assert.Equal(0, (await engine.RunAsync("workflow", "result", id)).ExitCode);
        Assert.Equal("waiting on nothing (the run is closed, or its code is running)", (await engine.RunAsync("workflow", "stack", id)).Out.Trim());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task SignalWithStart_NoOpenRun_StartsOneThatSeesTheSignal()
    {
        var id = NewId("sws");

        var run = await engine.RunAsync("-o", "json", "workflow", "signal-with-start", id, "--type", "WaitForGoWorkflow", "--name", "go",
            "--signal-input", "\"first\"", "--task-queue", engine.TaskQueue);
        Assert.True(run.ExitCode == 0, run.ToString());
        using (var ids = JsonDocument.Parse(run.Out))
        {
            Assert.Equal(id, ids.RootElement.GetProperty("workflowId").GetString());
            Assert.True(Guid.TryParse(ids.RootElement.GetProperty("runId").GetString(), out _), run.Out);
        }

        var result = await engine.RunAsync("-o", "json", "workflow", "result", id);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var body = JsonDocument.Parse(result.Out);
        Assert.Equal("first", body.RootElement.GetProperty("result").GetString());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task SignalWithStart_BadSignalInput_Exit2_NothingSent()
    {
        var run = await engine.RunAsync("workflow", "signal-with-start", NewId("sws-bad"), "--type", "WaitForGoWorkflow", "--name", "go", "--signal-input", "{nope");
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--signal-input is not valid JSON", run.Error, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Terminate_ClosesTheRun_AndResultExits1()
    {
        var id = await StartWaitingAsync("terminate");

        var terminate = await engine.RunAsync("-o", "json", "workflow", "terminate", id, "--reason", "test");
        Assert.True(terminate.ExitCode == 0, terminate.ToString());
        using (var accepted = JsonDocument.Parse(terminate.Out))
        {
            Assert.True(accepted.RootElement.GetProperty("accepted").GetBoolean());
        }

        var result = await engine.RunAsync("workflow", "result", id);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("closed Terminated", result.Error, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Cancel_TheWaitingWorkflowIsCanceled_AndResultExits1()
    {
        var id = await StartWaitingAsync("cancel");

        var cancel = await engine.RunAsync("workflow", "cancel", id);
        Assert.True(cancel.ExitCode == 0, cancel.ToString());

        var result = await engine.RunAsync("-o", "json", "workflow", "result", id);
        Assert.True(result.ExitCode == 1, result.ToString());
        using var body = JsonDocument.Parse(result.Out);
        Assert.Equal("Canceled", body.RootElement.GetProperty("status").GetString());
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task DescribeAndList_ShowTheRun()
    {
        var prefix = NewId("listed");
        Assert.Equal(0, (await engine.RunAsync("workflow", "start", "--type", "GreetWorkflow", "--id", prefix + "-a", "--input", "\"A\"", "--task-queue", engine.TaskQueue, "--wait")).ExitCode);
        Assert.Equal(0, (await engine.RunAsync("workflow", "start", "--type", "GreetWorkflow", "--id", prefix + "-b", "--input", "\"B\"", "--task-queue", engine.TaskQueue, "--wait")).ExitCode);

        var describe = await engine.RunAsync("workflow", "describe", prefix + "-a");
        Assert.True(describe.ExitCode == 0, describe.ToString());
        Assert.Contains("Completed", describe.Out, StringComparison.Ordinal);
        Assert.Contains("\"Hello, A!\"", describe.Out, StringComparison.Ordinal);

        var describeJson = await engine.RunAsync("-o", "json", "workflow", "describe", prefix + "-a");
        using (var body = JsonDocument.Parse(describeJson.Out))
        {
            var rest = await engine.DescribeAsync(prefix + "-a");
            Assert.Equal(rest.GetProperty("runId").GetString(), body.RootElement.GetProperty("runId").GetString());
            Assert.Equal(rest.GetProperty("historyLength").GetInt64(), body.RootElement.GetProperty("historyLength").GetInt64());
        }

        var list = await engine.RunAsync("-o", "json", "workflow", "list", "--id-prefix", prefix, "--limit", "1");
        Assert.True(list.ExitCode == 0, list.ToString());
        using (var page = JsonDocument.Parse(list.Out))
        {
            Assert.Equal(prefix + "-b", Assert.Single(page.RootElement.GetProperty("workflows").EnumerateArray()).GetProperty("workflowId").GetString()); // newest first
            var token = page.RootElement.GetProperty("nextPageToken").GetString()!;
            var next = await engine.RunAsync("-o", "json", "workflow", "list", "--id-prefix", prefix, "--page-token", token);
            using var rest = JsonDocument.Parse(next.Out);
            Assert.Equal(prefix + "-a", Assert.Single(rest.RootElement.GetProperty("workflows").EnumerateArray()).GetProperty("workflowId").GetString());
            Assert.Equal(JsonValueKind.Null, rest.RootElement.GetProperty("nextPageToken").ValueKind);
        }

        var table = await engine.RunAsync("workflow", "list", "--id-prefix", prefix, "--status", "Completed");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(prefix + "-a", table.Out, StringComparison.Ordinal);
        Assert.Contains(prefix + "-b", table.Out, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task ListAndCount_ByQuery_FollowTheQueryAndItsOrder_AndABadQueryExits2WithThePosition()
    {
        var prefix = NewId("queried");
        Assert.Equal(0, (await engine.RunAsync("workflow", "start", "--type", "GreetWorkflow", "--id", prefix + "-a", "--input", "\"A\"", "--task-queue", engine.TaskQueue, "--wait")).ExitCode);
        Assert.Equal(0, (await engine.RunAsync("workflow", "start", "--type", "GreetWorkflow", "--id", prefix + "-b", "--input", "\"B\"", "--task-queue", engine.TaskQueue, "--wait")).ExitCode);
        var query = $"WorkflowId STARTS_WITH '{prefix}' AND ExecutionStatus = 'Completed'";

        var list = await engine.RunAsync("-o", "json", "workflow", "list", "--query", query + " ORDER BY StartTime ASC");
        Assert.True(list.ExitCode == 0, list.ToString());
        using (var page = JsonDocument.Parse(list.Out))
        {
            Assert.Equal([prefix + "-a", prefix + "-b"], page.RootElement.GetProperty("workflows").EnumerateArray().Select(w => w.GetProperty("workflowId").GetString()));
        }
        var count = await engine.RunAsync("workflow", "count", "--query", query);
        Assert.True(count.ExitCode == 0, count.ToString());
        Assert.Equal("2", count.Out.Trim());
        var groups = await engine.RunAsync("-o", "json", "workflow", "count", "-q", $"WorkflowId STARTS_WITH '{prefix}'", "--group-by", "ExecutionStatus");
        using (var body = JsonDocument.Parse(groups.Out))
        {
            var group = Assert.Single(body.RootElement.GetProperty("groups").EnumerateArray());
            Assert.Equal(("Completed", 2L), (group.GetProperty("value").GetString(), group.GetProperty("count").GetInt64()));
        }
        var table = await engine.RunAsync("workflow", "count", "-q", $"WorkflowId STARTS_WITH '{prefix}'", "--group-by", "WorkflowType");
        Assert.Contains("GreetWorkflow", table.Out, StringComparison.Ordinal);

        var bad = await engine.RunAsync("workflow", "list", "--query", "WorkflowType = ");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("position 15", bad.Error, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task HistoryFollow_PrintsEventsAsTheyArrive_UntilTheRunCloses()
    {
        var id = await StartWaitingAsync("follow");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var synchronizedOut = TextWriter.Synchronized(output);
        var follow = Program.RunAsync(["-o", "json", "workflow", "history", id, "--follow"], synchronizedOut, TextWriter.Synchronized(error),
            name => name == "ORCHESTRATOR_ADDRESS" ? engine.Address : name == "ORCHESTRATOR_API_KEY" ? engine.ApiKey : null);

        // the first workflow task completes (the code waits for the signal): follow has printed it, and is still running
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Snapshot(synchronizedOut, output).Contains("\"WorkflowTaskCompleted\"", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "follow printed no WorkflowTaskCompleted: " + Snapshot(synchronizedOut, output) + error);
            Assert.False(follow.IsCompleted, "follow ended early: " + error);
            await Task.Delay(50);
        }
        Assert.False(follow.IsCompleted);

        Assert.Equal(0, (await engine.RunAsync("workflow", "signal", id, "--name", "go", "--input", "\"x\"")).ExitCode);
        Assert.Equal(0, await follow.WaitAsync(TimeSpan.FromSeconds(60)));

        var events = Snapshot(synchronizedOut, output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.GetProperty("eventId").GetInt64()));
        Assert.Equal("WorkflowStarted", events[0].GetProperty("eventType").GetString());
        Assert.Contains(events, e => e.GetProperty("eventType").GetString() == "SignalReceived");
        Assert.Equal("WorkflowCompleted", events[^1].GetProperty("eventType").GetString());
    }

    private static string Snapshot(TextWriter synchronized, StringWriter inner)
    {
        lock (synchronized)
        {
            return inner.ToString();
        }
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task UnknownWorkflowId_Exit3_ForEveryCommandThatNamesOne()
    {
        var id = NewId("nobody");
        foreach (var args in new[]
        {
            new[] { "workflow", "describe", id }, ["workflow", "history", id], ["workflow", "result", id], ["workflow", "signal", id, "--name", "go"],
            ["workflow", "cancel", id], ["workflow", "terminate", id], ["workflow", "describe", id, "--run-id", Guid.NewGuid().ToString()],
        })
        {
            var run = await engine.RunAsync(args);
            Assert.True(run.ExitCode == 3, $"{string.Join(' ', args)}: {run}");
            Assert.StartsWith("error: not found: ", run.Error, StringComparison.Ordinal);
            Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task WrongOrMissingApiKey_Exit4_WithOneLineThatSaysWhich()
    {
        var wrong = await CliRun.InProcessAsync(["workflow", "list", "--address", engine.Address, "--api-key", "not-the-key"]);
        Assert.True(wrong.ExitCode == 4, wrong.ToString());
        Assert.Equal($"error: the engine at {engine.Address} refused the call (401 Unauthorized): the API key given is not the engine's.", wrong.Error.Trim());

        var none = await CliRun.InProcessAsync(["workflow", "describe", "x", "--address", engine.Address]);
        Assert.True(none.ExitCode == 4, none.ToString());
        Assert.Contains("it needs an API key: pass --api-key or set ORCHESTRATOR_API_KEY", none.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(engine.ApiKey, wrong.Error + none.Error, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task BadInput_Exit2_AndNothingStarts()
    {
        var id = NewId("bad-input");
        var run = await engine.RunAsync("workflow", "start", "--type", "GreetWorkflow", "--id", id, "--input", "{\"name\": ", "--task-queue", engine.TaskQueue);
        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("error: --input is not valid JSON", run.Error, StringComparison.Ordinal);

        var unquoted = await engine.RunAsync("workflow", "start", "--type", "GreetWorkflow", "--id", id, "--input", "Ada", "--task-queue", engine.TaskQueue);
        Assert.Equal(2, unquoted.ExitCode);
        Assert.Equal(3, (await engine.RunAsync("workflow", "describe", id)).ExitCode); // never started

        var refused = await engine.RunAsync("workflow", "start", "--type", "no spaces allowed", "--task-queue", engine.TaskQueue);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("the engine refused the request (400", refused.Error, StringComparison.Ordinal);

        var badSignal = await engine.RunAsync("workflow", "signal", id, "--name", "go", "--input", "[1,");
        Assert.Equal(2, badSignal.ExitCode);
    }
}
