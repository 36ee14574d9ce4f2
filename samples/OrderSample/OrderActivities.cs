using Microsoft.Extensions.Logging;
using Orchestrator.Sdk;

namespace OrderSample;

/// <summary>The order's side effects, simulated with short delays and logs. Constructed through DI for every attempt.</summary>
public sealed class OrderActivities(ILogger<OrderActivities> logger)
{
    private static readonly TimeSpan WorkTime = TimeSpan.FromMilliseconds(50);

    /// <summary>Charges the card; <c>failAt = "charge"</c> declines it.</summary>
    [Activity]
    public async Task<string> ChargeAsync(string orderId, decimal amount, string? failAt)
    {
        var ctx = ActivityExecutionContext.Current;
        await Task.Delay(WorkTime, ctx.CancellationToken);
        if (failAt == "charge")
        {
            throw new CardDeclinedException($"Card declined for order {orderId}.");
        }
        logger.LogInformation("Charged {Amount} for order {OrderId} (attempt {Attempt})", amount, orderId, ctx.Attempt);
        return $"rcpt-{orderId}";
    }

    /// <summary>Refunds a charge (compensation).</summary>
    [Activity]
    public async Task RefundAsync(string receiptId)
    {
        await Task.Delay(WorkTime, ActivityExecutionContext.Current.CancellationToken);
        logger.LogInformation("Refunded {ReceiptId}", receiptId);
    }

    /// <summary>Reserves the items; <c>failAt = "reserve"</c> finds them out of stock.</summary>
    [Activity]
    public async Task<string> ReserveStockAsync(string orderId, IReadOnlyList<string> items, string? failAt)
    {
        await Task.Delay(WorkTime, ActivityExecutionContext.Current.CancellationToken);
        if (failAt == "reserve")
        {
            throw new OutOfStockException($"Out of stock: {string.Join(", ", items)}.");
        }
        logger.LogInformation("Reserved {Items} for order {OrderId}", string.Join(", ", items), orderId);
        return $"resv-{orderId}";
    }

    /// <summary>Releases a reservation (compensation).</summary>
    [Activity]
    public async Task ReleaseStockAsync(string reservationId)
    {
        await Task.Delay(WorkTime, ActivityExecutionContext.Current.CancellationToken);
        logger.LogInformation("Released {ReservationId}", reservationId);
    }

    /// <summary>Ships the order; <c>failAt = "ship"</c> makes the carrier refuse it.</summary>
    [Activity]
    public async Task<string> ShipAsync(string orderId, string? failAt)
    {
        await Task.Delay(WorkTime, ActivityExecutionContext.Current.CancellationToken);
        if (failAt == "ship")
        {
            throw new ShippingFailedException($"The carrier refused order {orderId}.");
        }
        logger.LogInformation("Shipped order {OrderId}", orderId);
        return $"trk-{orderId}";
    }
}
