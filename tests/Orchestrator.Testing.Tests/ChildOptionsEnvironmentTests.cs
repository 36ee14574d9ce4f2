using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk;
using Orchestrator.TestWorker;

namespace Orchestrator.Testing.Tests;

/// <summary>
/// Child workflow options in memory, decided by the engine's own decider: canceling a child through its token (each
/// <see cref="ChildWorkflowCancellationType"/>), its run and execution timeouts on the virtual clock, its retry policy and
/// its id reuse policy; and a signal wait with a timeout and a token.
/// </summary>
public sealed class ChildOptionsEnvironmentTests
{
    /// <summary>Waits for a signal that never comes (as the test worker's workflow of that name).</summary>
    [Workflow("WaitForeverWorkflow")]
    public sealed class WaitForeverWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context) => await context.WaitForSignalAsync<string>("never");
    }

    /// <summary>Starts "WaitForeverWorkflow" as child "ship-1", cancels it after a second with the type given, then waits 5 s.</summary>
    [Workflow]
    public sealed class CancelChildByTypeWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context, string type)
        {
            using var cts = new CancellationTokenSource();
            var child = context.ExecuteChildWorkflowAsync<string>("WaitForeverWorkflow", null, new ChildWorkflowOptions
            {
                WorkflowId = "ship-1", CancellationToken = cts.Token, CancellationType = Enum.Parse<ChildWorkflowCancellationType>(type),
            });
            await context.DelayAsync(TimeSpan.FromSeconds(1));
            cts.Cancel();
            string outcome;
            try
            {
                outcome = await child ?? "";
            }
            catch (OperationCanceledException)
            {
                outcome = "child canceled";
            }
            await context.DelayAsync(TimeSpan.FromSeconds(5));
            return outcome;
        }
    }

    public sealed record ChildLimits(string ChildType, string ChildId, TimeSpan? RunTimeout = null, TimeSpan? ExecutionTimeout = null,
        int RetryAttempts = 0, WorkflowIdReusePolicy IdReusePolicy = WorkflowIdReusePolicy.AllowDuplicate);

    /// <summary>Runs a child with the limits given; returns its result, or the type and message of its failure.</summary>
    [Workflow]
    public sealed class ChildLimitsWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context, ChildLimits input)
        {
            try
            {
                return await context.ExecuteChildWorkflowAsync<string>(input.ChildType, null, new ChildWorkflowOptions
                {
                    WorkflowId = input.ChildId, RunTimeout = input.RunTimeout, ExecutionTimeout = input.ExecutionTimeout, IdReusePolicy = input.IdReusePolicy,
                    RetryPolicy = input.RetryAttempts > 0
                        ? new RetryPolicy { InitialInterval = TimeSpan.FromMinutes(1), BackoffCoefficient = 1, MaximumAttempts = input.RetryAttempts }
                        : null,
                }) ?? "";
            }
            catch (ChildWorkflowFailedException e)
            {
                return $"{e.Failure.Type}: {e.Failure.Message}";
            }
        }
    }

    /// <summary>Waits a day, then continues as new: each run a day long, for ever.</summary>
    [Workflow]
    public sealed class DailyWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context)
        {
            await context.DelayAsync(TimeSpan.FromDays(1));
            context.ContinueAsNew(null);
            return "never";
        }
    }

    /// <summary>Fails its first two runs (attempts), completes the third.</summary>
    [Workflow]
    public sealed class FlakyChildWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(WorkflowContext context) => context.Attempt < 3
            ? throw new InvalidOperationException($"run {context.Attempt} fails")
            : Task.FromResult($"attempt {context.Attempt}");
    }

    [Workflow]
    public sealed class EchoWorkflow
    {
        [WorkflowRun]
        public Task<string> RunAsync(WorkflowContext context) => Task.FromResult("echo");
    }

    /// <summary>Waits for "approve" for 7 days, but gives the wait up (its token) after an hour, then waits for it without a timeout.</summary>
    [Workflow]
    public sealed class SignalOrGiveUpWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context)
        {
            using var cts = new CancellationTokenSource();
            var approval = context.WaitForSignalAsync<string>("approve", TimeSpan.FromDays(7), cts.Token);
            var reminder = context.DelayAsync(TimeSpan.FromHours(1));
            if (await Task.WhenAny(approval, reminder) == reminder)
            {
                cts.Cancel();
            }
            try
            {
                return await approval ?? "";
            }
            catch (OperationCanceledException)
            {
                return await context.WaitForSignalAsync<string>("approve") + " (late)";
            }
        }
    }

    /// <summary>Waits for "approve" for 7 days; says so when the timeout passes first.</summary>
    [Workflow]
    public sealed class ApproveWithinAWeekWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context)
        {
            try
            {
                return await context.WaitForSignalAsync<string>("approve", TimeSpan.FromDays(7)) ?? "";
            }
            catch (TimeoutException)
            {
                return "timed out";
            }
        }
    }

    private static Task<WorkflowTestEnvironment> StartAsync() => WorkflowTestEnvironment.StartAsync(w => w
        .AddWorkflow<WaitForeverWorkflow>().AddWorkflow<CancelChildWorkflow>().AddWorkflow<CancelChildByTypeWorkflow>().AddWorkflow<ChildLimitsWorkflow>()
        .AddWorkflow<DailyWorkflow>().AddWorkflow<FlakyChildWorkflow>().AddWorkflow<EchoWorkflow>().AddWorkflow<SignalOrGiveUpWorkflow>()
        .AddWorkflow<ApproveWithinAWeekWorkflow>());

    private static async Task<List<string>> TypesAsync(WorkflowTestEnvironment env, string workflowId, string? runId = null) =>
        (await env.Client.GetHistoryAsync(workflowId, runId)).Events.Select(e => e.EventType).ToList();

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task AChildCanceledByItsParent_ClosesCanceled_AndTheParentSeesIt_AsTheEngineRecordsIt()
    {
        await using var env = await StartAsync();
        var parent = await env.Client.StartWorkflowAsync("CancelChildWorkflow", "child-1", new StartWorkflowOptions { WorkflowId = "parent-1" });

        // as the end-to-end test of the same workflow asserts of the engine
        Assert.Equal("child canceled", await parent.GetResultAsync<string>());
        Assert.Equal(WorkflowStatus.Canceled, (await env.Client.DescribeWorkflowAsync("child-1")).Status);
        var types = await TypesAsync(env, "parent-1");
        Assert.True(types.IndexOf(EventTypes.ExternalCancelRequested) < types.IndexOf(EventTypes.ChildWorkflowFailed), string.Join(", ", types));
        Assert.Contains(EventTypes.WorkflowCancelRequested, await TypesAsync(env, "child-1"));
        await WorkflowReplayer.ReplayAsync<CancelChildWorkflow>(await env.GetHistoryJsonAsync("parent-1"));
    }

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData("TryCancel", WorkflowStatus.Canceled)]
    [InlineData("WaitCancellationCompleted", WorkflowStatus.Canceled)]
    [InlineData("Abandon", WorkflowStatus.Terminated)]
    public async Task ACanceledChild_GetsACancelRequest_AsItsCancellationTypeSays(string type, WorkflowStatus childStatus)
    {
        await using var env = await StartAsync();
        var parent = await env.Client.StartWorkflowAsync("CancelChildByTypeWorkflow", type);

        Assert.Equal("child canceled", await parent.GetResultAsync<string>());

        var parentTypes = await TypesAsync(env, parent.WorkflowId);
        var childTypes = await TypesAsync(env, "ship-1");
        Assert.Equal(childStatus, (await env.Client.DescribeWorkflowAsync("ship-1")).Status);
        Assert.Equal(type != "Abandon", parentTypes.Contains(EventTypes.ExternalCancelRequested));
        Assert.Equal(type != "Abandon", childTypes.Contains(EventTypes.WorkflowCancelRequested));
        var childClosed = parentTypes.IndexOf(EventTypes.ChildWorkflowFailed);
        var lastTimer = parentTypes.LastIndexOf(EventTypes.TimerStarted);
        if (type == "WaitCancellationCompleted")
        {
            Assert.True(childClosed >= 0 && lastTimer > childClosed, string.Join(", ", parentTypes)); // the code went on once the child closed
        }
        else if (type == "TryCancel")
        {
            Assert.True(childClosed > lastTimer, string.Join(", ", parentTypes)); // the code went on at once; the close came after
        }
        else
        {
            Assert.Equal(-1, childClosed); // abandoned: still running when the parent closed, and terminated by its close policy
        }
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task AChildsRunTimeout_PassesOnTheVirtualClock_AndTheChildClosesTimedOut()
    {
        await using var env = await StartAsync();
        var start = env.UtcNow;
        var parent = await env.Client.StartWorkflowAsync("ChildLimitsWorkflow", new ChildLimits("WaitForeverWorkflow", "limited-1", RunTimeout: TimeSpan.FromHours(1)));

        var result = await parent.GetResultAsync<string>();

        Assert.StartsWith("ChildWorkflowTimedOut", result, StringComparison.Ordinal);
        Assert.Equal(start + TimeSpan.FromHours(1), env.UtcNow);
        var child = await env.Client.DescribeWorkflowAsync("limited-1");
        Assert.Equal(WorkflowStatus.TimedOut, child.Status);
        Assert.Contains("run timeout", child.Failure!.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task AChildsExecutionTimeout_SpansItsContinuedRuns_AndEndsTheOneRunningWhenItPasses()
    {
        await using var env = await StartAsync();
        var start = env.UtcNow;
        var parent = await env.Client.StartWorkflowAsync("ChildLimitsWorkflow",
            new ChildLimits("DailyWorkflow", "daily-1", RunTimeout: TimeSpan.FromDays(2), ExecutionTimeout: TimeSpan.FromDays(2.5)));

        var result = await parent.GetResultAsync<string>();

        Assert.StartsWith("ChildWorkflowTimedOut", result, StringComparison.Ordinal);
        Assert.Equal(start + TimeSpan.FromDays(2.5), env.UtcNow); // days 1 and 2 continued as new; the third run ended half-way
        var last = await env.Client.DescribeWorkflowAsync("daily-1");
        Assert.Equal(WorkflowStatus.TimedOut, last.Status);
        Assert.Contains("execution timeout", last.Failure!.Message, StringComparison.Ordinal);
        var previous = await env.Client.DescribeWorkflowAsync("daily-1", last.PreviousRunId);
        Assert.Equal(WorkflowStatus.ContinuedAsNew, previous.Status);
        Assert.Equal(WorkflowStatus.ContinuedAsNew, (await env.Client.DescribeWorkflowAsync("daily-1", previous.PreviousRunId)).Status);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task AChildsRetryPolicy_RunsItAgainAfterEachFailure_AndTheParentGetsTheResultOfTheRunThatCompleted()
    {
        await using var env = await StartAsync();
        var start = env.UtcNow;
        var parent = await env.Client.StartWorkflowAsync("ChildLimitsWorkflow", new ChildLimits("FlakyChildWorkflow", "flaky-1", RetryAttempts: 3));

        Assert.Equal("attempt 3", await parent.GetResultAsync<string>());

        Assert.Equal(start + TimeSpan.FromMinutes(2), env.UtcNow); // a minute's back-off before each retry
        var last = await env.Client.DescribeWorkflowAsync("flaky-1");
        Assert.Equal(WorkflowStatus.Completed, last.Status);
        var second = await env.Client.DescribeWorkflowAsync("flaky-1", last.PreviousRunId);
        Assert.Equal("run 2 fails", second.Failure!.Message);
        Assert.NotNull(second.PreviousRunId);
        Assert.DoesNotContain(EventTypes.ChildWorkflowFailed, await TypesAsync(env, parent.WorkflowId));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task AChildWithoutARetryPolicy_FailsTheParentsCallAtItsFirstFailure()
    {
        await using var env = await StartAsync();
        var parent = await env.Client.StartWorkflowAsync("ChildLimitsWorkflow", new ChildLimits("FlakyChildWorkflow", "flaky-2"));

        Assert.Contains("run 1 fails", await parent.GetResultAsync<string>(), StringComparison.Ordinal);
        Assert.Null((await env.Client.DescribeWorkflowAsync("flaky-2")).PreviousRunId);
    }

    [Theory(Timeout = TestTimeouts.Unit)]
    [InlineData(WorkflowIdReusePolicy.AllowDuplicate, "echo")]
    [InlineData(WorkflowIdReusePolicy.AllowDuplicateFailedOnly, "WorkflowAlreadyStarted: Workflow id 'echo-1' has a run that completed (Completed) and the id reuse policy is AllowDuplicateFailedOnly.")]
    [InlineData(WorkflowIdReusePolicy.RejectDuplicate, "WorkflowAlreadyStarted: Workflow id 'echo-1' has a closed run (Completed) and the id reuse policy is RejectDuplicate.")]
    public async Task AChildsIdReusePolicy_DecidesWhetherAClosedRunsIdMayBeUsedAgain(WorkflowIdReusePolicy policy, string expected)
    {
        await using var env = await StartAsync();
        var earlier = await env.Client.StartWorkflowAsync("EchoWorkflow", null, new StartWorkflowOptions { WorkflowId = "echo-1" });
        Assert.Equal("echo", await earlier.GetResultAsync<string>());

        var parent = await env.Client.StartWorkflowAsync("ChildLimitsWorkflow", new ChildLimits("EchoWorkflow", "echo-1", IdReusePolicy: policy));

        Assert.Equal(expected, await parent.GetResultAsync<string>());
        Assert.Equal(policy == WorkflowIdReusePolicy.AllowDuplicate, (await env.Client.DescribeWorkflowAsync("echo-1")).RunId != earlier.RunId);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task ACanceledSignalWait_CancelsItsTimeoutTimer_AndASignalThatComesLaterGoesToTheNextWait()
    {
        await using var env = await StartAsync();
        var start = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("SignalOrGiveUpWorkflow", null);

        await env.SkipTimeAsync(TimeSpan.FromDays(8));
        await env.AssertHistoryAsync(handle.WorkflowId, h => h.Running().HasEvent(EventTypes.TimerCanceled));
        Assert.Single(await TypesAsync(env, handle.WorkflowId), t => t == EventTypes.TimerFired); // the reminder's: the 7-day timeout was canceled
        await handle.SignalAsync("approve", "ana");

        Assert.Equal("ana (late)", await handle.GetResultAsync<string>());
        Assert.Equal(start + TimeSpan.FromDays(8), env.UtcNow);
        await WorkflowReplayer.ReplayAsync<SignalOrGiveUpWorkflow>(await env.GetHistoryJsonAsync(handle.WorkflowId));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task ASignalWaitsTimeout_PassesOnTheVirtualClock()
    {
        await using var env = await StartAsync();
        var start = env.UtcNow;
        var handle = await env.Client.StartWorkflowAsync("ApproveWithinAWeekWorkflow", null);

        Assert.Equal("timed out", await handle.GetResultAsync<string>());
        Assert.Equal(start + TimeSpan.FromDays(7), env.UtcNow);
    }
}
