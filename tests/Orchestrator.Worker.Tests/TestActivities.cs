using Orchestrator.Sdk;

namespace Orchestrator.Worker.Tests;

public sealed class TestActivities
{
    /// <summary>Heartbeats 1..<paramref name="steps"/> back to back, then waits <paramref name="thenWaitMs"/> and returns the last step.</summary>
    [Activity]
    public static async Task<int> ProgressAsync(int steps, int thenWaitMs)
    {
        var ctx = ActivityExecutionContext.Current;
        for (var i = 1; i <= steps; i++)
        {
            await ctx.HeartbeatAsync(i);
        }
        await Task.Delay(thenWaitMs, ctx.CancellationToken);
        return steps;
    }

    /// <summary>Completed with the workflow id by <see cref="WaitForCancellationAsync"/> when it starts, per workflow id.</summary>
    public static System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> Started { get; } = new();

    /// <summary>Waits until its token fires (timeout or shutdown).</summary>
    [Activity]
    public static async Task WaitForCancellationAsync()
    {
        Started.GetOrAdd(ActivityExecutionContext.Current.WorkflowId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        await Task.Delay(System.Threading.Timeout.Infinite, ActivityExecutionContext.Current.CancellationToken);
    }
}
