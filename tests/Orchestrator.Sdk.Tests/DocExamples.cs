// The examples of docs/sdk.md, kept as real classes so the build proves they compile and DocExampleTests runs them.
// When you change an example here, change the doc (and the other way round).
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Sdk.Tests.DocExamples;

public sealed record ChargeRequest(string CardToken, decimal Amount);

public sealed record Receipt(string Id);

public sealed record OrderInput(string OrderId, ChargeRequest Charge);

public sealed record OrderResult(string ReceiptId, string ApprovedBy);

public sealed record Approval(string By);

public interface IPaymentGateway
{
    Task<Receipt> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken);

    Task RefundAsync(string receiptId);
}

// --- doc: activities ---
public sealed class PaymentActivities(IPaymentGateway gateway)          // DI-constructed, stateless
{
    [Activity]                                                          // name "Charge": method name without "Async"
    public async Task<Receipt> ChargeAsync(ChargeRequest request)
    {
        var ctx = ActivityExecutionContext.Current;                     // Attempt, WorkflowId, CancellationToken, HeartbeatAsync
        return await gateway.ChargeAsync(request, ctx.CancellationToken);
    }

    [Activity]                                                          // name "Refund"
    public Task RefundAsync(string receiptId) => gateway.RefundAsync(receiptId);
}

// --- doc: workflow ---
[Workflow]                                                              // name "OrderWorkflow"
public sealed class OrderWorkflow
{
    [WorkflowRun]
    public async Task<OrderResult> RunAsync(WorkflowContext context, OrderInput input)
    {
        var saga = new Saga(context);
        var options = new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(30),
            RetryPolicy = new RetryPolicy { MaximumAttempts = 5, NonRetryableErrorTypes = ["CardDeclinedException"] },
        };
        try
        {
            var receipt = await context.ExecuteActivityAsync((PaymentActivities a) => a.ChargeAsync(input.Charge), options);
            saga.AddCompensation(() => context.ExecuteActivityAsync((PaymentActivities a) => a.RefundAsync(receipt.Id), options));
            context.Logger.LogInformation("Charged {Receipt}, waiting for approval", receipt.Id); // written once, not on replay
            var approval = await context.WaitForSignalAsync<Approval>("approve", TimeSpan.FromDays(2));
            await context.DelayAsync(TimeSpan.FromHours(1));
            return new OrderResult(receipt.Id, approval.By);
        }
        catch (Exception)
        {
            await saga.CompensateAsync();
            throw;
        }
    }
}

// --- doc: versioning with Patched ---
[Workflow("Invoice")]
public sealed class InvoiceWorkflow
{
    [WorkflowRun]
    public async Task RunAsync(WorkflowContext context, string invoiceId)
    {
        await context.ExecuteActivityAsync("CreateInvoice", invoiceId);
        if (context.Patched("send-email"))                               // runs that started before the change skip it
        {
            await context.ExecuteActivityAsync("EmailInvoice", invoiceId);
        }
        await context.ExecuteActivityAsync("ArchiveInvoice", invoiceId);
    }
}

// --- example (not in the doc): long-running loop with continue-as-new ---
[Workflow]
public sealed class PollingWorkflow
{
    [WorkflowRun]
    public async Task RunAsync(WorkflowContext context, int round)
    {
        while (true)
        {
            if (await context.ExecuteActivityAsync<bool>("CheckDone", round))
            {
                return;
            }
            await context.DelayAsync(TimeSpan.FromMinutes(10));
            if (context.HistoryLength > 5_000)
            {
                context.ContinueAsNew(round + 1);                        // fresh history, same workflow id
            }
        }
    }
}

// --- doc: signal handlers ---
[Workflow]
public sealed class ApprovalWorkflow
{
    private readonly List<string> _approvers = [];

    [WorkflowRun]
    public async Task<IReadOnlyList<string>> RunAsync(WorkflowContext context, int needed)
    {
        if (!await context.WaitConditionAsync(() => _approvers.Count >= needed, TimeSpan.FromDays(7)))
        {
            throw new TimeoutException($"{_approvers.Count} of {needed} approvals in a week");
        }
        return _approvers;
    }

    [WorkflowSignal]                                                    // name "Approve"
    public void Approve(Approval approval) => _approvers.Add(approval.By);
}

// --- doc: updates ---
[Workflow]
public sealed class BasketWorkflow
{
    private readonly List<string> _items = [];
    private bool _checkedOut;

    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, string customerId)
    {
        await context.WaitConditionAsync(() => _checkedOut);
        return _items.Count;                                            // the run still waits for AddItem calls in flight
    }

    [WorkflowUpdateValidator(nameof(AddItemAsync))]                     // the update's method, not its name
    public void ValidateAddItem(string sku)
    {
        if (_checkedOut || _items.Contains(sku))
        {
            throw new InvalidOperationException($"{sku} cannot be added");  // the caller's error; nothing is recorded
        }
    }

    [WorkflowUpdate]                                                    // name "AddItem"
    public async Task<decimal> AddItemAsync(WorkflowContext context, string sku)
    {
        var price = await context.ExecuteActivityAsync<decimal>("Price", sku);
        _items.Add(sku);
        return price;                                                   // the caller's result
    }

    [WorkflowSignal]
    public void Checkout() => _checkedOut = true;

    [WorkflowQuery]
    public int Count() => _items.Count;
}

// --- doc: signal, query or update ---
public static class BasketCalls
{
    public static async Task<string> CallAsync(OrchestratorClient client)
    {
        var basket = client.GetHandle("basket-7");
        var count = await basket.QueryAsync<int>("Count");                          // query: reads, records nothing
        var price = await basket.ExecuteUpdateAsync<decimal>("AddItem", "sku-1");   // update: validated, recorded, answered
        await basket.SignalAsync("Checkout");                                       // signal: recorded, not answered
        return $"{count + 1} items, the last for {price}";
    }
}

// --- doc: replay test in CI ---
public sealed class OrderWorkflowReplayTests
{
    [Fact(Timeout = TestTime.Limit)]
    public async Task OrderWorkflow_ReplaysYesterdaysHistory()
    {
        var json = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Histories", "doc-order.json"));
        await WorkflowReplayer.ReplayAsync<OrderWorkflow>(json);     // throws NonDeterminismException on a breaking change
    }
}

// --- doc: side effects ---
[Workflow]
public sealed class InviteWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, string email)
    {
        var code = context.SideEffect(() => RandomNumberGenerator.GetHexString(16));   // cryptographic, unlike context.Random
        await context.ExecuteActivityAsync("SendInvite", new Invite(email, code));
        return code;                                                                   // the same code on every replay
    }
}

public sealed record Invite(string Email, string Code);

// --- doc: local activities ---
public sealed record Document(string Id, string Body);

public sealed record StoredDocument(string Id, string Hash);

public sealed class DocumentActivities
{
    [Activity]
    public Task<bool> ValidateAsync(Document document) => Task.FromResult(document.Body.Length is > 0 and < 1_000_000);

    [Activity]
    public Task<string> HashAsync(string body) => Task.FromResult(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body))));
}

[Workflow]
public sealed class IngestWorkflow
{
    private static readonly LocalActivityOptions Quick = new()
    {
        StartToCloseTimeout = TimeSpan.FromSeconds(2),
        RetryPolicy = new RetryPolicy { MaximumAttempts = 3 },
    };

    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, Document document)
    {
        if (!await context.ExecuteLocalActivityAsync((DocumentActivities d) => d.ValidateAsync(document), Quick))
        {
            throw new ArgumentException($"Document {document.Id} is empty or too large.");
        }
        var hash = await context.ExecuteLocalActivityAsync((DocumentActivities d) => d.HashAsync(document.Body), Quick);
        await context.ExecuteActivityAsync("Store", new StoredDocument(document.Id, hash));    // slow I/O: an ordinary activity
        return hash;
    }
}
