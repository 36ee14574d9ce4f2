using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>
/// Prepares an order (activity), waits for signal "approve", then ships it (activity, one attempt). The shipping code has a
/// bug: it asks for the "buggy" route, which fails, and the workflow fails. A worker started with
/// <c>ORCHESTRATOR_TEST_RESET_FIXED=1</c> runs the fixed code (<see cref="ResetDeploy"/>): it asks for the "fixed" route. The
/// branch comes after the signal, so a reset to the workflow task after the preparation replays the same commands up to
/// there on either code.
/// </summary>
[Workflow]
public sealed class ResetOrderWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, string order)
    {
        var options = new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(30), RetryPolicy = new RetryPolicy { MaximumAttempts = 1 } };
        var prepared = await context.ExecuteActivityAsync((ResetActivities a) => a.PrepareOrderAsync(order), options);
        var approval = await context.WaitForSignalAsync<string>("approve");
#pragma warning disable ORCH0009 // on purpose: the build this process runs, set once at its start (a stand-in for a deploy, not run state)
        var route = ResetDeploy.Fixed ? "fixed" : "buggy";
#pragma warning restore ORCH0009
        return await context.ExecuteActivityAsync((ResetActivities a) => a.ShipOrderAsync(prepared, approval, route), options);
    }
}

/// <summary>
/// Which build of <see cref="ResetOrderWorkflow"/> this worker process runs: a stand-in for deploying fixed code, fixed for
/// the life of the process (Program sets it from <see cref="FixedVariable"/> before the worker starts, never during a replay).
/// </summary>
public static class ResetDeploy
{
    /// <summary>The environment variable that selects the fixed build.</summary>
    public const string FixedVariable = "ORCHESTRATOR_TEST_RESET_FIXED";

    public static bool Fixed { get; set; }
}

/// <summary>The activities of <see cref="ResetOrderWorkflow"/>.</summary>
public sealed class ResetActivities
{
    [Activity]
    public Task<string> PrepareOrderAsync(string order) => Task.FromResult($"prepared {order}");

    [Activity]
    public Task<string> ShipOrderAsync(string prepared, string approval, string route) => route == "buggy"
        ? throw new InvalidOperationException($"route '{route}' does not exist")
        : Task.FromResult($"{prepared}, approved by {approval}, shipped by the {route} route");
}
