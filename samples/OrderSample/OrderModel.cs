namespace OrderSample;

/// <summary>The input of <see cref="OrderWorkflow"/>.</summary>
/// <param name="OrderId">The order id.</param>
/// <param name="Amount">What to charge.</param>
/// <param name="Items">What to reserve and ship.</param>
/// <param name="FailAt">For demos: <c>"charge"</c>, <c>"reserve"</c> or <c>"ship"</c> makes that step fail for good; null for none.</param>
public sealed record OrderInput(string OrderId, decimal Amount, IReadOnlyList<string> Items, string? FailAt = null);

/// <summary>The result of <see cref="OrderWorkflow"/>.</summary>
/// <param name="OrderId">The order id.</param>
/// <param name="ReceiptId">The payment receipt.</param>
/// <param name="ReservationId">The stock reservation.</param>
/// <param name="TrackingNumber">The shipment's tracking number.</param>
public sealed record OrderResult(string OrderId, string ReceiptId, string ReservationId, string TrackingNumber);

/// <summary>The card was declined (not retried).</summary>
public sealed class CardDeclinedException(string message) : Exception(message);

/// <summary>An item is out of stock (not retried).</summary>
public sealed class OutOfStockException(string message) : Exception(message);

/// <summary>The carrier refused the shipment (not retried).</summary>
public sealed class ShippingFailedException(string message) : Exception(message);
