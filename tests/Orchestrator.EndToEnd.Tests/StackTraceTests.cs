using System.Runtime.CompilerServices;
using Orchestrator.Contracts.Api;
using Orchestrator.Sdk;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// The built-in query <c>__stack_trace</c> against a real engine and worker (processes), with TestWorker's
/// <c>StuckWorkflow</c>: blocked on two activities and a signal, it lists all three with the file and line of the code
/// that waits; once the run is closed it waits on nothing.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class StackTraceTests : IAsyncLifetime
{
    private Cluster _cluster = null!;
    private OrchestratorClient _client = null!;

    public async Task InitializeAsync()
    {
        _cluster = await Cluster.StartAsync();
        _client = new OrchestratorClient(_cluster.EngineUrl());
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _cluster.DisposeAsync();
    }

    /// <summary>"StackTraceWorkflows.cs:N" for the line of TestWorker's StackTraceWorkflows.cs that starts with <paramref name="code"/>.</summary>
    private static string LineOf(string code, [CallerFilePath] string thisFile = "")
    {
        var source = Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "Orchestrator.TestWorker", "StackTraceWorkflows.cs");
        return "StackTraceWorkflows.cs:" + (Array.FindIndex(File.ReadAllLines(source), line => line.TrimStart().StartsWith(code, StringComparison.Ordinal)) + 1);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task BlockedOnTwoActivitiesAndASignal_ListsAllThree_WithTheWorkflowsFileAndLine()
    {
        var id = await _cluster.StartWorkflowAsync("StuckWorkflow", 600_000, "stuck-" + Guid.NewGuid().ToString("N")[..8]);
        var handle = _client.GetHandle(id);

        var waits = await handle.GetStackTraceAsync();

        Assert.Equal([$"activity ChaosHang #1 {LineOf("var first =")}", $"activity ChaosHang #2 {LineOf("var second =")}", $"signal release # {LineOf("var release =")}"],
            waits.Select(w => $"{w.Kind} {w.Name} #{w.Seq} {w.Location}"));
        Assert.DoesNotContain("StackTraceWorkflows.cs:0", string.Join(" ", waits.Select(w => w.Location)), StringComparison.Ordinal);

        // the wire format the contract names: camelCase, absent fields left out
        using var response = await _cluster.Http.PostAsync(new Uri(_cluster.EngineUrl(), $"/api/v1/workflows/{id}/queries/__stack_trace"), null);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Contains("{\"kind\":\"activity\",\"name\":\"ChaosHang\",\"seq\":1,\"location\":\"StackTraceWorkflows.cs:", body, StringComparison.Ordinal);

        await handle.SignalAsync("release", "go");
        await _client.TerminateWorkflowAsync(id, "test over");
        await _cluster.WaitClosedAsync(id);
        Assert.Empty(await handle.GetStackTraceAsync());
    }
}
