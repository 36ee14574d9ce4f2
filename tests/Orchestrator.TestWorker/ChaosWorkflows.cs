using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

// The workflows of the chaos run (chaos/Orchestrator.Chaos, ./chaos.sh). Their results do not depend on how many
// attempts a fault cost, so the harness can check every completed run's result exactly.

/// <summary>Input of <see cref="ChaosStepsWorkflow"/>.</summary>
/// <param name="Steps">Activities one after the other; each fails its first <paramref name="FailFirst"/> attempts.</param>
/// <param name="FailFirst">Failing attempts of each step before it succeeds (retried with back-off).</param>
/// <param name="TimerMs">A durable timer after each step (0 = none).</param>
/// <param name="Late">Adds an activity whose first attempt ignores its token and answers at its StartToClose deadline.</param>
/// <param name="TimeoutForGood">Adds an activity that times out on every attempt; the workflow catches it.</param>
public sealed record ChaosStepsInput(int Steps, int FailFirst, int TimerMs, bool Late, bool TimeoutForGood);

/// <summary>Activities with retries and timeouts, and timers: returns <c>s0,s1,...[,ok][,timedout]</c>.</summary>
[Workflow]
public sealed class ChaosStepsWorkflow
{
    /// <summary>StartToClose of the late activity; its first attempt sleeps exactly this long.</summary>
    public const int LateMs = 1500;

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, ChaosStepsInput input)
    {
        var results = new List<string>();
        var retry = new RetryPolicy
        {
            InitialInterval = TimeSpan.FromMilliseconds(200), BackoffCoefficient = 2, MaximumInterval = TimeSpan.FromSeconds(2),
            MaximumAttempts = input.FailFirst + 30,
        };
        for (var i = 0; i < input.Steps; i++)
        {
            var step = i;
            results.Add(await context.ExecuteActivityAsync((ChaosActivities a) => a.FlakyAsync(step, input.FailFirst),
                new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(10), RetryPolicy = retry }));
            if (input.TimerMs > 0)
            {
                await context.DelayAsync(TimeSpan.FromMilliseconds(input.TimerMs));
            }
        }
        if (input.Late)
        {
            results.Add(await context.ExecuteActivityAsync((ChaosActivities a) => a.LateFirstAttemptAsync(LateMs),
                new ActivityOptions { StartToCloseTimeout = TimeSpan.FromMilliseconds(LateMs), RetryPolicy = retry }));
        }
        if (input.TimeoutForGood)
        {
            try
            {
                await context.ExecuteActivityAsync((ChaosActivities a) => a.HangAsync(3000), new ActivityOptions
                {
                    StartToCloseTimeout = TimeSpan.FromMilliseconds(800),
                    RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromMilliseconds(200), MaximumAttempts = 2 },
                });
                results.Add("answered");
            }
            catch (ActivityFailedException)
            {
                results.Add("timedout");
            }
        }
        return string.Join(",", results);
    }
}

/// <summary>Input of <see cref="ChaosSignalWorkflow"/>: what the earlier runs consumed, continue-as-new every <c>PerRun</c> signals.</summary>
public sealed record ChaosSignalInput(string[] Seen, int PerRun, double QuietSeconds);

/// <summary>
/// Consumes "s" signals (string ids), continuing as new after every <c>PerRun</c> of them (so signals race the
/// hand-over); when none comes for <c>QuietSeconds</c> it returns every id it consumed, in order, comma-separated.
/// </summary>
[Workflow]
public sealed class ChaosSignalWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, ChaosSignalInput input)
    {
        var seen = new List<string>(input.Seen);
        while (true)
        {
            string id;
            try
            {
                id = await context.WaitForSignalAsync<string>("s", TimeSpan.FromSeconds(input.QuietSeconds));
            }
            catch (TimeoutException)
            {
                return string.Join(",", seen);
            }
            seen.Add(id);
            if (seen.Count % input.PerRun == 0)
            {
                context.ContinueAsNew(input with { Seen = [.. seen] });
            }
        }
    }
}

/// <summary>Input of <see cref="ChaosParentWorkflow"/>.</summary>
/// <param name="Policy">The children's <see cref="ParentClosePolicy"/>.</param>
/// <param name="Children">How many children it starts (and does not wait for).</param>
/// <param name="End">How the parent closes after <paramref name="WaitMs"/>: complete, fail, continue (once, then complete), wait (until cancelled or terminated).</param>
/// <param name="WaitMs">How long the parent runs with its children.</param>
/// <param name="Generation">0, or 1 in the run after a continue-as-new (its children get other ids).</param>
public sealed record ChaosParentInput(string Policy, int Children, string End, int WaitMs, int Generation = 0);

/// <summary>
/// Starts children with a parent-close policy and closes while they run. Under Terminate and RequestCancel the children
/// run forever (continuing as new every two timers), so a child the policy missed is still running at the end;
/// under Abandon they finish by themselves.
/// </summary>
[Workflow]
public sealed class ChaosParentWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, ChaosParentInput input)
    {
        var policy = Enum.Parse<ParentClosePolicy>(input.Policy);
        var forever = policy != ParentClosePolicy.Abandon;
        for (var i = 0; i < input.Children; i++)
        {
            // not awaited: the parent closes while its children run
            _ = context.ExecuteChildWorkflowAsync("ChaosChildWorkflow", new ChaosChildInput(forever, 4, 0, 300, 2),
                new ChildWorkflowOptions { WorkflowId = $"{context.WorkflowId}-g{input.Generation}-c{i}", ParentClosePolicy = policy });
        }
        await context.DelayAsync(TimeSpan.FromMilliseconds(input.WaitMs));
        switch (input.End)
        {
            case "fail":
                throw new InvalidOperationException("the parent fails on purpose");
            case "continue" when input.Generation == 0:
                context.ContinueAsNew(input with { Generation = 1, End = "complete" });
                break;
            case "wait":
                await context.WaitForSignalAsync<string>("never");
                break;
        }
        return "parent-done";
    }
}

/// <summary>Input of <see cref="ChaosChildWorkflow"/>.</summary>
public sealed record ChaosChildInput(bool Forever, int Iterations, int Done, int TimerMs, int PerRun);

/// <summary>A child of <see cref="ChaosParentWorkflow"/>: timers, continuing as new every <c>PerRun</c> of them; returns the count unless it runs forever.</summary>
[Workflow]
public sealed class ChaosChildWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, ChaosChildInput input)
    {
        var done = input.Done;
        while (input.Forever || done < input.Iterations)
        {
            await context.DelayAsync(TimeSpan.FromMilliseconds(input.TimerMs));
            done++;
            if (done % input.PerRun == 0 && (input.Forever || done < input.Iterations))
            {
                context.ContinueAsNew(input with { Done = done });
            }
        }
        return done;
    }
}

/// <summary>
/// Waits on a long timer (the harness cancels or terminates it); when cancelled it runs a compensation activity and
/// ends canceled.
/// </summary>
[Workflow]
public sealed class ChaosSleepWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, double seconds)
    {
        try
        {
            await context.DelayAsync(TimeSpan.FromSeconds(seconds));
            return "slept";
        }
        catch (OperationCanceledException)
        {
            await context.ExecuteActivityAsync((ChaosActivities a) => a.FlakyAsync(99, 0),
                new ActivityOptions { StartToCloseTimeout = TimeSpan.FromSeconds(10) });
            throw;
        }
    }
}

/// <summary>Fails its first two attempts after a short timer (started with a workflow retry policy); returns the attempt.</summary>
[Workflow]
public sealed class ChaosRetryWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int timerMs)
    {
        await context.DelayAsync(TimeSpan.FromMilliseconds(timerMs));
        if (context.Attempt < 3)
        {
            throw new InvalidOperationException($"attempt {context.Attempt} fails on purpose");
        }
        return context.Attempt;
    }
}

/// <summary>The chaos run's activities (named Chaos*: other test activities have the same method names); their results depend only on their arguments (never on the attempt that succeeded).</summary>
public sealed class ChaosActivities
{
    /// <summary>Fails attempts 1..<paramref name="failFirst"/>, then returns <c>s{step}</c>.</summary>
    [Activity("ChaosFlaky")]
    public Task<string> FlakyAsync(int step, int failFirst)
    {
        var attempt = ActivityExecutionContext.Current.Attempt;
        if (attempt <= failFirst)
        {
            throw new InvalidOperationException($"step {step} attempt {attempt} fails on purpose");
        }
        return Task.FromResult($"s{step}");
    }

    /// <summary>Attempt 1 sleeps <paramref name="ms"/> ignoring its token and returns "late" (its deadline has passed by then: it must be dropped); later attempts return "ok".</summary>
    [Activity("ChaosLateFirstAttempt")]
    public async Task<string> LateFirstAttemptAsync(int ms)
    {
        if (ActivityExecutionContext.Current.Attempt == 1)
        {
            await Task.Delay(ms, CancellationToken.None);
            return "late";
        }
        return "ok";
    }

    /// <summary>Waits <paramref name="ms"/> or until cancelled (its attempts time out).</summary>
    [Activity("ChaosHang")]
    public async Task<string> HangAsync(int ms)
    {
        await Task.Delay(ms, ActivityExecutionContext.Current.CancellationToken);
        return "answered";
    }
}
