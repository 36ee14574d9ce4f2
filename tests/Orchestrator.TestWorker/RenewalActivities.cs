using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>
/// The steps of <see cref="RenewalWorkflow"/> on the test worker: the charge fails its first attempt (retried after the
/// policy's 1 s), the shipment fails for good (so the saga compensates).
/// </summary>
public sealed class RenewalActivities
{
    [Activity]
    public Task<string> ReserveAsync(string customer) => Task.FromResult($"res-{customer}");

    [Activity]
    public Task<string> ChargeAsync(string customer) => ActivityExecutionContext.Current.Attempt == 1
        ? throw new GatewayBusyException("try again")
        : Task.FromResult($"rcpt-{customer}");

    [Activity]
    public Task<string> ShipAsync(string reservation) => throw new OutOfStockException("Ship: out of stock");

    [Activity]
    public Task ReleaseAsync(string reservation) => Task.CompletedTask;

    [Activity]
    public Task RefundAsync(string receipt) => Task.CompletedTask;
}
