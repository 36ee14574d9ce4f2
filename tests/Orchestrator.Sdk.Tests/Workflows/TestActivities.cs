using System.Text.Json;

namespace Orchestrator.Sdk.Tests.Workflows;

public sealed record ChargeRequest(string OrderId, decimal Amount);

public sealed record Receipt(string Id, decimal Amount);

public sealed class CardDeclinedException(string message) : Exception(message);

public sealed class MathActivities
{
    [Activity]
    public Task<int> AddAsync(int a, int b) => Task.FromResult(a + b);

    [Activity("echo")]
    public int Echo(int value) => value;

    [Activity]
    public Task NoteAsync(string text) => Task.CompletedTask;
}

public sealed class ShopActivities
{
    [Activity]
    public Task<Receipt> ChargeAsync(ChargeRequest request) => Task.FromResult(new Receipt("rcpt-" + request.OrderId, request.Amount));

    [Activity]
    public Task RefundAsync(string receiptId) => Task.CompletedTask;

    [Activity]
    public Task<string> ReserveAsync(string item) => Task.FromResult("res-" + item);

    [Activity]
    public Task ReleaseAsync(string reservation) => Task.CompletedTask;

    [Activity]
    public Task ShipAsync(string orderId) => Task.CompletedTask;
}

/// <summary>What the simulator answers for each activity name (the engine would run them on a worker).</summary>
internal static class FakeActivities
{
    public static Func<string, JsonElement, object?> Default { get; } = (name, input) => name switch
    {
        "Add" => input[0].GetInt32() + input[1].GetInt32(),
        "echo" or "Echo" => input.GetArrayLength() == 0 ? 0 : input[0].GetInt32(),
        "Charge" => new Receipt("rcpt-" + input[0].GetProperty("orderId").GetString(), input[0].GetProperty("amount").GetDecimal()),
        "Reserve" => "res-" + input[0].GetString(),
        "Fail" => throw new CardDeclinedException("declined"),
        "Ship" when input[0].GetString() == "fail" => throw new CardDeclinedException("cannot ship"),
        "Refund" when input[0].GetString() == "rcpt-bad" => throw new InvalidOperationException("refund failed"),
        "Release" when input[0].GetString() == "res-bad" => throw new InvalidOperationException("release failed"),
        _ => null,
    };
}
