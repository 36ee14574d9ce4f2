using Orchestrator.Sdk;

namespace Orchestrator.Testing.Tests.Workflows;

public sealed record ChargeRequest(string Customer, decimal Amount);

/// <summary>Charges through an activity that a test gives as a lambda.</summary>
[Workflow]
public sealed class ChargeWorkflow
{
    [WorkflowRun]
    public Task<string> RunAsync(WorkflowContext context, ChargeRequest request) =>
        context.ExecuteActivityAsync<string>("Charge", request, new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(10),
            RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(10), BackoffCoefficient = 3, MaximumAttempts = 4 },
        });
}

/// <summary>Ticks on timers of one hour, three times, and reports the workflow time of each tick.</summary>
[Workflow]
public sealed class TickWorkflow
{
    [WorkflowRun]
    public async Task<List<DateTimeOffset>> RunAsync(WorkflowContext context)
    {
        var ticks = new List<DateTimeOffset>();
        for (var i = 0; i < 3; i++)
        {
            await context.DelayAsync(TimeSpan.FromHours(1));
            ticks.Add(context.UtcNow);
        }
        return ticks;
    }
}
