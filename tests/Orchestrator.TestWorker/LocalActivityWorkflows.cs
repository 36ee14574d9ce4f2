using System.Collections.Concurrent;
using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>
/// The local activities of the end-to-end tests (names of their own: they share the worker with ordinary ones); each
/// counts its attempts per workflow id (this worker process's).
/// </summary>
public sealed class LocalActivityCalls
{
    private static readonly ConcurrentDictionary<string, int> Attempts = new(StringComparer.Ordinal);

    /// <summary>How many attempts of local activities this process ran for the workflow.</summary>
    public static int Of(string workflowId) => Attempts.GetValueOrDefault(workflowId);

    private static int Count() => Attempts.AddOrUpdate(ActivityExecutionContext.Current.WorkflowId, 1, (_, n) => n + 1);

    [Activity("LocalIncrement")]
    public Task<int> IncrementAsync(int value)
    {
        Count();
        return Task.FromResult(value + 1);
    }

    /// <summary>Takes <paramref name="milliseconds"/> (honouring its token), then returns <paramref name="value"/> + 1.</summary>
    [Activity("LocalSlowIncrement")]
    public async Task<int> SlowIncrementAsync(int value, int milliseconds)
    {
        Count();
        await Task.Delay(milliseconds, ActivityExecutionContext.Current.CancellationToken);
        return value + 1;
    }

    /// <summary>Fails attempts up to <paramref name="failures"/>, then returns the attempt that succeeded; a negative number fails for good.</summary>
    [Activity("LocalFlaky")]
    public Task<int> FlakyAsync(int failures)
    {
        Count();
        var attempt = ActivityExecutionContext.Current.Attempt;
        if (failures < 0)
        {
            throw new ArgumentException("this input never works");
        }
        return attempt <= failures ? throw new InvalidOperationException($"attempt {attempt} failed") : Task.FromResult(attempt);
    }
}

/// <summary>What <see cref="LocalChainWorkflow"/> does: how many local activities in a row, each taking how long.</summary>
public sealed record LocalChainInput(int Count, int Milliseconds = 0);

/// <summary>
/// <c>Count</c> sequential local activities, each adding 1; returns the total. Its query <c>Attempts</c> replays the run (as
/// every query does) and tells how many attempts this worker ran for it: a replay must not add any.
/// </summary>
[Workflow]
public sealed class LocalChainWorkflow
{
    private string _workflowId = "";

    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, LocalChainInput input)
    {
        _workflowId = context.WorkflowId;
        var total = 0;
        for (var i = 0; i < input.Count; i++)
        {
            total = input.Milliseconds > 0
                ? await context.ExecuteLocalActivityAsync((LocalActivityCalls a) => a.SlowIncrementAsync(total, input.Milliseconds))
                : await context.ExecuteLocalActivityAsync((LocalActivityCalls a) => a.IncrementAsync(total));
        }
        return total;
    }

    [WorkflowQuery]
    public int Attempts() => LocalActivityCalls.Of(_workflowId);
}

/// <summary>What <see cref="LocalRetryWorkflow"/> does: how often "LocalFlaky" fails (negative: for good), and its first back-off.</summary>
public sealed record LocalRetryInput(int Failures, int InitialIntervalMs, int LocalRetryThresholdMs = 60_000);

/// <summary>One local activity "LocalFlaky" retried by the input's policy, then a side effect; returns "attempt N" or "failed TYPE after N".</summary>
[Workflow]
public sealed class LocalRetryWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, LocalRetryInput input)
    {
        var options = new LocalActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(2),
            RetryPolicy = new RetryPolicy
            {
                InitialInterval = TimeSpan.FromMilliseconds(input.InitialIntervalMs), MaximumAttempts = 5, NonRetryableErrorTypes = [nameof(ArgumentException)],
            },
            LocalRetryThreshold = TimeSpan.FromMilliseconds(input.LocalRetryThresholdMs),
        };
        string outcome;
        try
        {
            outcome = "attempt " + await context.ExecuteLocalActivityAsync((LocalActivityCalls a) => a.FlakyAsync(input.Failures), options);
        }
        catch (ActivityFailedException e)
        {
            outcome = $"failed {e.ErrorType} after {e.Attempt}";
        }
        var worker = context.SideEffect(() => Environment.ProcessId);
        return worker > 0 ? outcome : "no process";
    }
}
