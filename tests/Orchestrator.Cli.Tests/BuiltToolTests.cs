namespace Orchestrator.Cli.Tests;

/// <summary>The built tool as a user runs it: <c>dotnet orchestrator.dll</c> as a process, configured by the environment.</summary>
[Collection(CliCollection.Name)]
public sealed class BuiltToolTests(CliEngine engine)
{
    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task StartWait_AsAProcess_Exit0_ResultOnStdout()
    {
        var id = "tool-" + Guid.NewGuid().ToString("N")[..8];
        var run = await CliRun.ProcessAsync(["workflow", "start", "--type", "GreetWorkflow", "--id", id, "--input", "\"Tool\"", "--task-queue", engine.TaskQueue, "--wait"],
            new Dictionary<string, string> { ["ORCHESTRATOR_ADDRESS"] = engine.Address, ["ORCHESTRATOR_API_KEY"] = engine.ApiKey }, TimeSpan.FromSeconds(120));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Hello, Tool!", run.Out, StringComparison.Ordinal);

        var unknown = await CliRun.ProcessAsync(["workflow", "describe", "no-" + id],
            new Dictionary<string, string> { ["ORCHESTRATOR_ADDRESS"] = engine.Address, ["ORCHESTRATOR_API_KEY"] = engine.ApiKey }, TimeSpan.FromSeconds(60));
        Assert.True(unknown.ExitCode == 3, unknown.ToString());
    }
}
