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

    /// <summary>Waits until its token fires (timeout or shutdown).</summary>
    [Activity]
    public static async Task WaitForCancellationAsync()
    {
        await Task.Delay(System.Threading.Timeout.Infinite, ActivityExecutionContext.Current.CancellationToken);
    }
}
