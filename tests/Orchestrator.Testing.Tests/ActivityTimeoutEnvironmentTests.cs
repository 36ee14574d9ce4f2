using Orchestrator.Contracts.History;
using Orchestrator.Sdk;

namespace Orchestrator.Testing.Tests;

/// <summary>Activities that take virtual time (WorkflowTestEnvironment.DelayActivityAsync): heartbeats, start-to-close and heartbeat timeouts as on the engine.</summary>
public sealed class ActivityTimeoutEnvironmentTests
{
    public sealed record CallInput(TimeSpan StartToClose, TimeSpan? Heartbeat, int MaximumAttempts);

    /// <summary>Calls "Slow" with the limits of its input; retries after 1 s.</summary>
    [Workflow]
    public sealed class CallWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(WorkflowContext context, CallInput input) => context.ExecuteActivityAsync<string>("Slow", null, new ActivityOptions
        {
            StartToCloseTimeout = input.StartToClose,
            HeartbeatTimeout = input.Heartbeat,
            RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(1), BackoffCoefficient = 1, MaximumAttempts = input.MaximumAttempts },
        });
    }

    private static Task<WorkflowTestEnvironment> StartAsync(Delegate slow) =>
        WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<CallWorkflow>().AddWorkflow<Workflows.TickWorkflow>().AddActivity("Slow", slow));

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task AnAttemptPastItsStartToCloseTimeout_TimesOut_IsCancelled_AndTheRetrySucceeds()
    {
        var seen = new List<string>();
        await using var env = await StartAsync(async () =>
        {
            var ctx = ActivityExecutionContext.Current;
            if (ctx.Attempt == 1)
            {
                try
                {
                    await WorkflowTestEnvironment.DelayActivityAsync(TimeSpan.FromMinutes(1));
                }
                catch (OperationCanceledException)
                {
                    seen.Add("attempt 1 cancelled");
                    throw;
                }
            }
            seen.Add($"attempt {ctx.Attempt} done");
            return "ok";
        });
        var start = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("CallWorkflow", new CallInput(TimeSpan.FromSeconds(10), null, 3), new StartWorkflowOptions { WorkflowId = "call-1" });

        Assert.Equal("ok", await handle.GetResultAsync<string>());
        Assert.Equal(["attempt 1 cancelled", "attempt 2 done"], seen);
        Assert.Equal(TimeSpan.FromSeconds(11), env.UtcNow - start); // the 10 s limit, then the 1 s back-off
        var failed = (await env.Client.GetHistoryAsync("call-1")).Events.Single(e => e.EventType == EventTypes.ActivityAttemptFailed);
        Assert.Equal("StartToClose", failed.GetAttributes<ActivityAttemptFailedAttributes>().TimeoutType);
        await env.AssertHistoryAsync("call-1", h => h.Completed().ActivityAttempts("Slow", 2));
        await WorkflowReplayer.ReplayAsync<CallWorkflow>(await env.GetHistoryJsonAsync("call-1"));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task Heartbeats_KeepAnAttemptAlive_SilenceTimesItOut_AndTheNextAttemptReadsTheLastDetails()
    {
        int? resumedFrom = null;
        await using var env = await StartAsync(async () =>
        {
            var ctx = ActivityExecutionContext.Current;
            if (ctx.Attempt > 1)
            {
                resumedFrom = ctx.HeartbeatDetails<int>();
                return "resumed";
            }
            for (var step = 1; step <= 3; step++)
            {
                await ctx.HeartbeatAsync(step);
                await WorkflowTestEnvironment.DelayActivityAsync(TimeSpan.FromSeconds(4)); // within the 5 s heartbeat timeout
            }
            await WorkflowTestEnvironment.DelayActivityAsync(TimeSpan.FromSeconds(30)); // silent: timed out 5 s after the last heartbeat
            return "never";
        });
        var start = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("CallWorkflow", new CallInput(TimeSpan.FromHours(1), TimeSpan.FromSeconds(5), 3));

        Assert.Equal("resumed", await handle.GetResultAsync<string>());
        Assert.Equal(3, resumedFrom);
        Assert.Equal(TimeSpan.FromSeconds(8 + 5 + 1), env.UtcNow - start); // heartbeats at 0, 4 and 8 s; silent from 8 s; 1 s back-off
        var failed = (await env.Client.GetHistoryAsync(handle.WorkflowId)).Events.Single(e => e.EventType == EventTypes.ActivityAttemptFailed);
        Assert.Equal("Heartbeat", failed.GetAttributes<ActivityAttemptFailedAttributes>().TimeoutType);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task ALastAttemptThatTimesOut_ClosesTheActivityTimedOut_AndTheWorkflowFails()
    {
        await using var env = await StartAsync(async () =>
        {
            await WorkflowTestEnvironment.DelayActivityAsync(TimeSpan.FromMinutes(1));
            return "late";
        });
        var handle = await env.Client.StartWorkflowAsync("CallWorkflow", new CallInput(TimeSpan.FromSeconds(10), null, 1));

        await Assert.ThrowsAsync<WorkflowFailedException>(() => handle.GetResultAsync<string>());
        var slow = (await env.GetHistoryAsync(handle.WorkflowId)).Activities.Single();
        Assert.Equal(RecordedActivityStatus.TimedOut, slow.Status);
        await env.AssertHistoryAsync(handle.WorkflowId, h => h.Failed().HasEvent(EventTypes.ActivityTimedOut));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task AnAttemptWithinItsLimits_TakesItsVirtualTime_WhileOtherWorkflowsTimersFire()
    {
        await using var env = await StartAsync(async () =>
        {
            await WorkflowTestEnvironment.DelayActivityAsync(TimeSpan.FromHours(2));
            return "slow but fine";
        });
        var start = env.UtcNow;
        var ticks = await env.Client.StartWorkflowAsync("TickWorkflow", null);
        var call = await env.Client.StartWorkflowAsync("CallWorkflow", new CallInput(TimeSpan.FromHours(3), null, 1));

        Assert.Equal("slow but fine", await call.GetResultAsync<string>());
        Assert.Equal(TimeSpan.FromHours(2), env.UtcNow - start);
        Assert.Equal(2, (await env.Client.GetHistoryAsync(ticks.WorkflowId)).Events.Count(e => e.EventType == EventTypes.TimerFired));
        Assert.Equal(3, (await ticks.GetResultAsync<List<DateTimeOffset>>())!.Count);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task DelayActivityAsync_OutsideAnActivityOfTheEnvironment_Throws() =>
        await Assert.ThrowsAsync<InvalidOperationException>(() => WorkflowTestEnvironment.DelayActivityAsync(TimeSpan.FromSeconds(1)));
}
