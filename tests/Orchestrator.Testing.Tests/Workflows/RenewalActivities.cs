using Orchestrator.Sdk;
using Orchestrator.TestWorker;

namespace Orchestrator.Testing.Tests.Workflows;

/// <summary>The steps of <see cref="RenewalWorkflow"/> as an activities object of the test: records what ran, in order, with the attempt.</summary>
public sealed class RenewalActivities
{
    public List<string> Calls { get; } = [];

    /// <summary>Which step fails for good (by name), if any.</summary>
    public string? OutOfStockAt { get; init; }

    [Activity]
    public Task<string> ReserveAsync(string customer) => Step("Reserve", $"res-{customer}");

    /// <summary>Fails its first attempt (a busy gateway), so the retry policy runs on the virtual clock.</summary>
    [Activity]
    public Task<string> ChargeAsync(string customer)
    {
        if (ActivityExecutionContext.Current.Attempt == 1)
        {
            Calls.Add("Charge#1");
            throw new GatewayBusyException("try again");
        }
        return Step("Charge", $"rcpt-{customer}");
    }

    [Activity]
    public Task<string> ShipAsync(string reservation) => Step("Ship", $"ship-{reservation}");

    [Activity]
    public Task ReleaseAsync(string reservation) => Step("Release", reservation);

    [Activity]
    public Task RefundAsync(string receipt) => Step("Refund", receipt);

    private Task<string> Step(string name, string value)
    {
        Calls.Add($"{name}#{ActivityExecutionContext.Current.Attempt}");
        if (OutOfStockAt == name)
        {
            throw new OutOfStockException($"{name}: out of stock");
        }
        return Task.FromResult(value);
    }
}
