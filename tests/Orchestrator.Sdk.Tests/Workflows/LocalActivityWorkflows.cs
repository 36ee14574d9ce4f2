using System.Text.Json;

namespace Orchestrator.Sdk.Tests.Workflows;

/// <summary><c>input</c> sequential local activities (<c>Add(total, 1)</c>); returns the total.</summary>
[Workflow]
public sealed class LocalChainWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int input)
    {
        var total = 0;
        for (var i = 0; i < input; i++)
        {
            total = await context.ExecuteLocalActivityAsync((MathActivities m) => m.AddAsync(total, 1));
        }
        return total;
    }
}

/// <summary>A local activity, an ordinary one, then a local one by name: local and ordinary seqs interleave.</summary>
[Workflow]
public sealed class LocalThenRemoteWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context)
    {
        var a = await context.ExecuteLocalActivityAsync((MathActivities m) => m.AddAsync(1, 2));
        var b = await context.ExecuteActivityAsync((MathActivities m) => m.AddAsync(a, 10));
        await context.ExecuteLocalActivityAsync((MathActivities m) => m.NoteAsync("between"));
        return await context.ExecuteLocalActivityAsync<int>("echo", b);
    }
}

/// <summary>Three local activities at once beside an ordinary one started between them: one round, markers in seq order.</summary>
[Workflow]
public sealed class ParallelLocalWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context)
    {
        var first = context.ExecuteLocalActivityAsync((MathActivities m) => m.AddAsync(1, 1));
        var second = context.ExecuteLocalActivityAsync((MathActivities m) => m.AddAsync(2, 2));
        var remote = context.ExecuteActivityAsync<int>("echo", 7);
        var third = context.ExecuteLocalActivityAsync<int>("echo", 3);
        var locals = await Task.WhenAll(first, second, third);
        var afterRound = await context.ExecuteLocalActivityAsync<int>("echo", locals.Sum());
        return afterRound + await remote;
    }
}

/// <summary>Every local shape in one run (histories/local-activities.json): a chain, a round of two, a durable back-off, an ordinary activity, a side effect.</summary>
[Workflow]
public sealed class LocalMixWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        var sum = await context.ExecuteLocalActivityAsync((MathActivities m) => m.AddAsync(1, 2));
        sum = await context.ExecuteLocalActivityAsync((MathActivities m) => m.AddAsync(sum, 3));
        var pair = await Task.WhenAll(context.ExecuteLocalActivityAsync<int>("echo", 10), context.ExecuteLocalActivityAsync<int>("echo", 20));
        var flaky = await context.ExecuteLocalActivityAsync<string>("Flaky", 1, new LocalActivityOptions
        {
            RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromMinutes(2) },
        });
        var remote = await context.ExecuteActivityAsync<int>("echo", sum);
        var label = context.SideEffect(() => "mix");
        await context.ExecuteLocalActivityAsync((MathActivities m) => m.NoteAsync(label));
        return $"{label} {remote + pair.Sum()} {flaky}";
    }
}

/// <summary>One local activity "Flaky" with the retry policy of the input; returns its result, or the failure it ended with.</summary>
[Workflow]
public sealed class LocalRetryWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, LocalRetryInput input)
    {
        var options = new LocalActivityOptions
        {
            StartToCloseTimeout = input.StartToClose ?? TimeSpan.FromSeconds(5),
            ScheduleToCloseTimeout = input.ScheduleToClose,
            RetryPolicy = new RetryPolicy
            {
                InitialInterval = input.InitialInterval, MaximumAttempts = input.MaximumAttempts, NonRetryableErrorTypes = ["CardDeclinedException"],
            },
            LocalRetryThreshold = input.Threshold,
        };
        try
        {
            return await context.ExecuteLocalActivityAsync<string>("Flaky", input.FailTimes, options);
        }
        catch (ActivityFailedException ex)
        {
            return $"failed {ex.ActivityName} {ex.ErrorType} after {ex.Attempt}: {ex.Message}";
        }
    }
}

public sealed record LocalRetryInput(int FailTimes, TimeSpan InitialInterval, int MaximumAttempts = 0, TimeSpan? Threshold = null,
    TimeSpan? StartToClose = null, TimeSpan? ScheduleToClose = null);

/// <summary>The implementation of "Flaky" (and the rest of <see cref="FakeActivities.Default"/>) for local activities.</summary>
internal static class FakeLocalActivities
{
    /// <summary>"Flaky": fails its first <c>input</c> attempts (input &lt; 0: for good, not retryable), then returns "ok after N".</summary>
    public static Func<string, JsonElement, int, object?> Default { get; } = (name, input, attempt) => name switch
    {
        "Flaky" when input[0].GetInt32() < 0 => throw new CardDeclinedException("declined for good"),
        "Flaky" when attempt <= input[0].GetInt32() => throw new InvalidOperationException($"attempt {attempt} failed"),
        "Flaky" => $"ok after {attempt}",
        _ => FakeActivities.Default(name, input),
    };
}

// "Tally" as first deployed (a local Add at seq 1), and later edits of it.
[Workflow("Tally")]
public sealed class TallyV1
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context) =>
        await context.ExecuteLocalActivityAsync((MathActivities m) => m.AddAsync(20, 22)) + await context.ExecuteActivityAsync<int>("echo", 1);
}

[Workflow("Tally")]
public sealed class TallyOtherLocalActivity
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context) =>
        await context.ExecuteLocalActivityAsync<int>("echo", 42) + await context.ExecuteActivityAsync<int>("echo", 1);
}

[Workflow("Tally")]
public sealed class TallyOrdinaryActivity
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context) =>
        await context.ExecuteActivityAsync((MathActivities m) => m.AddAsync(20, 22)) + await context.ExecuteActivityAsync<int>("echo", 1);
}

/// <summary>A side effect (the value <see cref="Source"/> gives), then an activity; returns the value.</summary>
[Workflow]
public sealed class SideEffectWorkflow
{
    /// <summary>What the side effect's function returns (tests change it, and count its calls).</summary>
    public static Func<string> Source { get; set; } = () => "token-1";

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context)
    {
        var token = context.SideEffect(() => Source());
        var at = context.SideEffect(() => new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await context.ExecuteActivityAsync<int>("echo", 1);
        return $"{token} {at:yyyy-MM-dd}";
    }
}

// "Token" as first deployed (an activity at seq 1), then with a SideEffect before it.
[Workflow("Token")]
public sealed class TokenV1
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context) => await context.ExecuteActivityAsync<int>("echo", 5);
}

[Workflow("Token")]
public sealed class TokenWithSideEffect
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context)
    {
        var bonus = context.SideEffect(() => 1);
        return bonus + await context.ExecuteActivityAsync<int>("echo", 5);
    }
}

/// <summary>A side effect whose function throws while <see cref="Fail"/> is set.</summary>
[Workflow]
public sealed class ThrowingSideEffectWorkflow
{
    public static bool Fail { get; set; } = true;

    [WorkflowRun]
    public Task<string> RunAsync(WorkflowContext context)
    {
        try
        {
            return Task.FromResult(context.SideEffect(() => Fail ? throw new InvalidOperationException("no entropy") : "fine"));
        }
        catch (Exception)
        {
            return Task.FromResult("caught"); // the workflow task fails anyway: a side effect that throws is not the code's to handle
        }
    }
}
