using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>Input of the failure-handling workflows: a directory for the activities' marks, and a number.</summary>
public sealed record FailureInput(string Dir, int N = 0, double InitialSeconds = 1);

/// <summary>An activity that fails its first <c>N</c> attempts; returns the attempt that succeeded.</summary>
[Workflow]
public sealed class FlakyWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, FailureInput input) =>
        await context.ExecuteActivityAsync((FailureActivities a) => a.FlakyAsync(input.Dir, input.N), new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(30),
            RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(input.InitialSeconds), BackoffCoefficient = 2, MaximumAttempts = 5 },
        });
}

/// <summary>A card declined is not retried; the workflow catches it by type.</summary>
[Workflow]
public sealed class NonRetryableWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, FailureInput input)
    {
        try
        {
            await context.ExecuteActivityAsync((FailureActivities a) => a.DeclineAsync(input.Dir), new ActivityOptions
            {
                StartToCloseTimeout = TimeSpan.FromSeconds(30),
                RetryPolicy = new RetryPolicy { NonRetryableErrorTypes = [nameof(CardDeclinedException)] },
            });
            return "charged";
        }
        catch (ActivityFailedException e) when (e.ErrorType == nameof(CardDeclinedException))
        {
            return $"declined:{e.Attempt}";
        }
    }
}

/// <summary>Attempt 1 hangs past its 2 s StartToCloseTimeout; attempt 2 answers at once.</summary>
[Workflow]
public sealed class HangingAttemptWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, FailureInput input) =>
        await context.ExecuteActivityAsync((FailureActivities a) => a.HangFirstAttemptAsync(input.Dir), new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(2),
            RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromMilliseconds(500) },
        });
}

/// <summary>Always fails, retried every second until the 3.5 s ScheduleToCloseTimeout stops it.</summary>
[Workflow]
public sealed class ScheduleToCloseWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, FailureInput input)
    {
        try
        {
            await context.ExecuteActivityAsync((FailureActivities a) => a.AlwaysFailAsync(input.Dir), new ActivityOptions
            {
                StartToCloseTimeout = TimeSpan.FromSeconds(10),
                ScheduleToCloseTimeout = TimeSpan.FromSeconds(3.5),
                RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(1), BackoffCoefficient = 1 },
            });
            return "succeeded";
        }
        catch (ActivityFailedException e)
        {
            return "gave up: " + e.Message;
        }
    }
}

/// <summary>Attempt 1 heartbeats for a second and then stops (HeartbeatTimeout 2 s); attempt 2 succeeds.</summary>
[Workflow]
public sealed class HeartbeatStopWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, FailureInput input) =>
        await context.ExecuteActivityAsync((FailureActivities a) => a.StopHeartbeatingAsync(input.Dir), new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(60),
            HeartbeatTimeout = TimeSpan.FromSeconds(2),
            RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromMilliseconds(500) },
        });
}

/// <summary>A job of <c>N</c> one-second steps with 15 s attempts: it finishes by resuming from its heartbeat details.</summary>
[Workflow]
public sealed class ResumableJobWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, FailureInput input) =>
        await context.ExecuteActivityAsync((FailureActivities a) => a.LongJobAsync(input.Dir, input.N), new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(15),
            HeartbeatTimeout = TimeSpan.FromSeconds(5),
            RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromMilliseconds(500) },
        });
}

/// <summary>
/// Books a, b, c (c fails for good); compensates in reverse order. <c>N</c> = 1: the compensation of b fails too, and
/// with ContinueOnCompensationError the compensation of a still runs.
/// </summary>
[Workflow]
public sealed class BookingSagaWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, FailureInput input)
    {
        var options = new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(30),
            RetryPolicy = new RetryPolicy { MaximumAttempts = 1 },
        };
        var saga = new Saga(context, new SagaOptions { ContinueOnCompensationError = true });
        try
        {
            foreach (var step in new[] { "a", "b", "c" })
            {
                await context.ExecuteActivityAsync((FailureActivities a) => a.BookAsync(input.Dir, step), options);
                saga.AddCompensation(() => context.ExecuteActivityAsync((FailureActivities a) => a.UndoAsync(input.Dir, step, input.N == 1), options));
            }
            return "booked";
        }
        catch (ActivityFailedException)
        {
            try
            {
                await saga.CompensateAsync();
                return "compensated";
            }
            catch (CompensationFailedException e)
            {
                return "compensation failed: " + string.Join(";", e.InnerExceptions.Select(x => x.Message));
            }
        }
    }
}

/// <summary>A declined card (not retried by <see cref="NonRetryableWorkflow"/>).</summary>
public sealed class CardDeclinedException(string message) : Exception(message);

/// <summary>Activities of the failure-handling tests; each appends a line to <c>{dir}/log.txt</c> per call.</summary>
public sealed class FailureActivities
{
    private static void Log(string dir, string line) =>
        File.AppendAllText(Path.Combine(dir, "log.txt"), $"{line} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}\n");

    [Activity]
    public Task<int> FlakyAsync(string dir, int failures)
    {
        var attempt = ActivityExecutionContext.Current.Attempt;
        Log(dir, $"start {attempt}");
        if (attempt <= failures)
        {
            throw new InvalidOperationException($"flaky attempt {attempt}");
        }
        return Task.FromResult(attempt);
    }

    [Activity]
    public Task DeclineAsync(string dir)
    {
        Log(dir, $"start {ActivityExecutionContext.Current.Attempt}");
        throw new CardDeclinedException("card declined");
    }

    [Activity]
    public async Task<string> HangFirstAttemptAsync(string dir)
    {
        var attempt = ActivityExecutionContext.Current.Attempt;
        Log(dir, $"start {attempt}");
        if (attempt == 1)
        {
            await Task.Delay(6000, CancellationToken.None); // ignores its token: keeps running after the timeout
        }
        Log(dir, $"end {attempt}");
        return $"result of attempt {attempt}";
    }

    [Activity]
    public Task AlwaysFailAsync(string dir)
    {
        Log(dir, $"start {ActivityExecutionContext.Current.Attempt}");
        throw new InvalidOperationException("always fails");
    }

    [Activity]
    public async Task<string> StopHeartbeatingAsync(string dir)
    {
        var ctx = ActivityExecutionContext.Current;
        Log(dir, $"start {ctx.Attempt}");
        if (ctx.Attempt > 1)
        {
            return $"ok on attempt {ctx.Attempt}";
        }
        for (var i = 0; i < 4; i++)
        {
            await ctx.HeartbeatAsync(i);
            await Task.Delay(250, CancellationToken.None);
        }
        Log(dir, "silent 1");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(20), ctx.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            Log(dir, "canceled 1");
            throw;
        }
        return "not reached";
    }

    [Activity]
    public async Task<string> LongJobAsync(string dir, int steps)
    {
        var ctx = ActivityExecutionContext.Current;
        var done = ctx.HeartbeatDetails<int>();
        Log(dir, $"start {ctx.Attempt} from {done}");
        while (done < steps)
        {
            await Task.Delay(1000, ctx.CancellationToken);
            done++;
            await ctx.HeartbeatAsync(done);
        }
        return $"{done} steps, finished on attempt {ctx.Attempt}";
    }

    [Activity]
    public Task BookAsync(string dir, string step)
    {
        Log(dir, $"book {step}");
        if (step == "c")
        {
            throw new InvalidOperationException("no room for c");
        }
        return Task.CompletedTask;
    }

    [Activity]
    public Task UndoAsync(string dir, string step, bool failB)
    {
        Log(dir, $"undo {step}");
        if (failB && step == "b")
        {
            throw new InvalidOperationException("undo b failed");
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// ScheduleToStartTimeout 2 s: an activity on a task queue no worker serves times out (ScheduleToStart); one that a
/// worker takes runs past that limit and completes.
/// </summary>
[Workflow]
public sealed class ScheduleToStartWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, FailureInput input)
    {
        var served = await context.ExecuteActivityAsync((TestActivities t) => t.StepAsync(1, 3000), new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(30),
            ScheduleToStartTimeout = TimeSpan.FromSeconds(2),
        });
        try
        {
            await context.ExecuteActivityAsync((TestActivities t) => t.StepAsync(2, 0), new ActivityOptions
            {
                TaskQueue = "nobody-serves-" + context.WorkflowId,
                StartToCloseTimeout = TimeSpan.FromSeconds(30),
                ScheduleToStartTimeout = TimeSpan.FromSeconds(2),
            });
            return "unexpected";
        }
        catch (ActivityFailedException e)
        {
            return $"{served};{e.ErrorType}";
        }
    }
}
