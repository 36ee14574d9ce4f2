using Microsoft.Extensions.Logging;
using Orchestrator.Sdk;

namespace OrderSample;

/// <summary>
/// Charges the card, reserves the stock and ships; when a step fails for good, a saga undoes what was done
/// (releases the stock, refunds the charge, in reverse order) and the workflow fails.
/// </summary>
[Workflow]
public sealed class OrderWorkflow
{
    /// <summary>The retry and timeout of every step.</summary>
    public static readonly ActivityOptions StepOptions = new()
    {
        StartToCloseTimeout = TimeSpan.FromSeconds(30),
        RetryPolicy = new RetryPolicy
        {
            InitialInterval = TimeSpan.FromSeconds(1),
            BackoffCoefficient = 2,
            MaximumInterval = TimeSpan.FromSeconds(30),
            MaximumAttempts = 5,
            NonRetryableErrorTypes = [nameof(CardDeclinedException), nameof(OutOfStockException), nameof(ShippingFailedException)],
        },
    };

    /// <summary>Runs the order.</summary>
    [WorkflowRun]
    public async Task<OrderResult> RunAsync(WorkflowContext context, OrderInput input)
    {
        var saga = new Saga(context);
        try
        {
            var receipt = await context.ExecuteActivityAsync((OrderActivities a) => a.ChargeAsync(input.OrderId, input.Amount, input.FailAt), StepOptions);
            saga.AddCompensation(() => context.ExecuteActivityAsync((OrderActivities a) => a.RefundAsync(receipt), StepOptions));

            var reservation = await context.ExecuteActivityAsync((OrderActivities a) => a.ReserveStockAsync(input.OrderId, input.Items, input.FailAt), StepOptions);
            saga.AddCompensation(() => context.ExecuteActivityAsync((OrderActivities a) => a.ReleaseStockAsync(reservation), StepOptions));

            var tracking = await context.ExecuteActivityAsync((OrderActivities a) => a.ShipAsync(input.OrderId, input.FailAt), StepOptions);
            context.Logger.LogInformation("Order {OrderId} shipped as {Tracking}", input.OrderId, tracking);
            return new OrderResult(input.OrderId, receipt, reservation, tracking);
        }
        catch (Exception ex)
        {
            context.Logger.LogWarning("Order {OrderId} failed ({Error}); compensating", input.OrderId, ex.Message);
            await saga.CompensateAsync();
            throw;
        }
    }
}
