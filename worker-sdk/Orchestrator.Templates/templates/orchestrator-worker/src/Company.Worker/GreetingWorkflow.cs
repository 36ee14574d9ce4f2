using Orchestrator.Sdk;

namespace Company.Worker;

/// <summary>The input of <see cref="GreetingWorkflow"/>, as JSON: <c>{"name":"Ana"}</c>.</summary>
public sealed record GreetingInput(string Name);

/// <summary>
/// A workflow: deterministic code that decides what happens, while activities do the work. It is replayed from its
/// history whenever a worker has to continue it, so it must not read the clock, random numbers or I/O directly
/// (use <see cref="WorkflowContext"/>'s UtcNow, Random, DelayAsync and activities instead).
/// </summary>
[Workflow] // workflow type "GreetingWorkflow"
public sealed class GreetingWorkflow
{
    private static readonly ActivityOptions Options = new()
    {
        StartToCloseTimeout = TimeSpan.FromSeconds(30),
        RetryPolicy = new RetryPolicy { MaximumAttempts = 5 },
    };

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, GreetingInput input)
    {
        var greeting = await context.ExecuteActivityAsync((GreetingActivities a) => a.ComposeGreetingAsync(input.Name), Options);
        context.Logger.LogInformation("Composed {Greeting}", greeting); // silent while replaying
        return greeting;
    }
}
