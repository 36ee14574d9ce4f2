using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

public sealed record Approval(string By);

public sealed record RenewalInput(string Customer, TimeSpan Grace, TimeSpan ApprovalWindow);

/// <summary>A step that fails for good (the retry policy names it non-retryable).</summary>
public sealed class OutOfStockException(string message) : Exception(message);

/// <summary>A step that may succeed when tried again.</summary>
public sealed class GatewayBusyException(string message) : Exception(message);

/// <summary>
/// The scenario: wait out a grace period on a timer, then for an approval with a timeout, then a saga of three
/// steps (reserve, charge, ship) whose compensations (release, refund) run in reverse when a later step fails. Run by the
/// test worker (with <see cref="RenewalActivities"/>) and, linked, by tests/Orchestrator.Testing.Tests (with its own activities):
/// the end-to-end test compares the histories of both.
/// </summary>
[Workflow]
public sealed class RenewalWorkflow
{
    public static readonly ActivityOptions Options = new()
    {
        StartToCloseTimeout = TimeSpan.FromSeconds(30),
        RetryPolicy = new RetryPolicy { InitialInterval = TimeSpan.FromSeconds(1), BackoffCoefficient = 2, MaximumAttempts = 3, NonRetryableErrorTypes = ["OutOfStockException"] },
    };

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, RenewalInput input)
    {
        await context.DelayAsync(input.Grace);
        string approver;
        try
        {
            approver = (await context.WaitForSignalAsync<Approval>("approve", input.ApprovalWindow)).By;
        }
        catch (TimeoutException)
        {
            approver = "auto";
        }
        var saga = new Saga(context);
        try
        {
            var reservation = await context.ExecuteActivityAsync<string>("Reserve", input.Customer, Options);
            saga.AddCompensation(() => context.ExecuteActivityAsync("Release", reservation, Options));
            var receipt = await context.ExecuteActivityAsync<string>("Charge", input.Customer, Options);
            saga.AddCompensation(() => context.ExecuteActivityAsync("Refund", receipt, Options));
            var shipment = await context.ExecuteActivityAsync<string>("Ship", reservation, Options);
            return $"{approver}:{shipment}";
        }
        catch (ActivityFailedException)
        {
            await saga.CompensateAsync();
            throw;
        }
    }
}
