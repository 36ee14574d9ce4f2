using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>
/// For the <c>__stack_trace</c> tests: starts two "ChaosHang" activities that hang for <c>ms</c> and waits for signal
/// "release" at the same time, so the run waits on three things at three lines of this file. Query "phase" and update
/// "SetPhase" let the dashboard tests run a query and send an update from the run page.
/// </summary>
[Workflow]
public sealed class StuckWorkflow
{
    private string _phase = "waiting";

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, int ms)
    {
        var options = new ActivityOptions { StartToCloseTimeout = TimeSpan.FromMinutes(10) };
        var first = context.ExecuteActivityAsync<string>("ChaosHang", ms, options);     // StackTraceWorkflows.cs:19
        var second = context.ExecuteActivityAsync<string>("ChaosHang", ms, options);    // StackTraceWorkflows.cs:20
        var release = context.WaitForSignalAsync<string>("release");                    // StackTraceWorkflows.cs:21
        await Task.WhenAll(first, second, release);
        return release.Result;
    }

    [WorkflowQuery("phase")]
    public string Phase() => _phase;

    [WorkflowUpdateValidator(nameof(SetPhaseAsync))]
    public void ValidateSetPhase(string phase) => ArgumentException.ThrowIfNullOrWhiteSpace(phase);

    /// <summary>Sets the phase and returns the one before.</summary>
    [WorkflowUpdate]
    public Task<string> SetPhaseAsync(string phase)
    {
        var before = _phase;
        _phase = phase;
        return Task.FromResult(before);
    }
}
