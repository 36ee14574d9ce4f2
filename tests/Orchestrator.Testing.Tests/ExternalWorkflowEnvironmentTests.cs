using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk;

namespace Orchestrator.Testing.Tests;

/// <summary>Workflow to workflow: context.SignalExternalWorkflowAsync / CancelExternalWorkflowAsync delivered in memory, once, as the engine does.</summary>
public sealed class ExternalWorkflowEnvironmentTests
{
    /// <summary>Waits up to a day for "paid"; a cancel request ends it Canceled.</summary>
    [Workflow]
    public sealed class InvoiceWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context) => await context.WaitForSignalAsync<string>("paid", TimeSpan.FromDays(1));
    }

    /// <summary>Signals (or cancels) the workflow its input names; reports a missing one.</summary>
    [Workflow]
    public sealed class PayerWorkflow
    {
        [WorkflowRun]
        public async Task<string> RunAsync(WorkflowContext context, PayerInput input)
        {
            try
            {
                if (input.Cancel)
                {
                    await context.CancelExternalWorkflowAsync(input.Target, "changed my mind");
                }
                else
                {
                    await context.SignalExternalWorkflowAsync(input.Target, "paid", "rcpt-7");
                }
                return "delivered";
            }
            catch (WorkflowNotFoundException e)
            {
                return $"not found: {e.WorkflowId}";
            }
        }
    }

    public sealed record PayerInput(string Target, bool Cancel = false);

    private static Task<WorkflowTestEnvironment> StartAsync() =>
        WorkflowTestEnvironment.StartAsync(w => w.AddWorkflow<InvoiceWorkflow>().AddWorkflow<PayerWorkflow>());

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task SignalExternal_ReachesTheTarget_AndTheSenderSeesItDelivered()
    {
        await using var env = await StartAsync();
        var invoice = await env.Client.StartWorkflowAsync("InvoiceWorkflow", null, new StartWorkflowOptions { WorkflowId = "inv-1" });
        var payer = await env.Client.StartWorkflowAsync("PayerWorkflow", new PayerInput("inv-1"), new StartWorkflowOptions { WorkflowId = "payer-1" });

        Assert.Equal("delivered", await payer.GetResultAsync<string>());
        Assert.Equal("rcpt-7", await invoice.GetResultAsync<string>());
        var sent = (await env.Client.GetHistoryAsync("payer-1")).Events.Select(e => e.EventType).ToList();
        Assert.Contains(EventTypes.ExternalSignalRequested, sent);
        Assert.Single(sent, EventTypes.ExternalSignalCompleted);
        var received = (await env.Client.GetHistoryAsync("inv-1")).Events.Single(e => e.EventType == EventTypes.SignalReceived);
        Assert.Equal("paid", received.GetAttributes<SignalReceivedAttributes>().SignalName);
        await WorkflowReplayer.ReplayAsync<PayerWorkflow>(await env.GetHistoryJsonAsync("payer-1"));
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task SignalExternal_NoOpenRun_ThrowsWorkflowNotFoundExceptionInTheSender()
    {
        await using var env = await StartAsync();
        var payer = await env.Client.StartWorkflowAsync("PayerWorkflow", new PayerInput("nobody"));

        Assert.Equal("not found: nobody", await payer.GetResultAsync<string>());
        Assert.Contains((await env.Client.GetHistoryAsync(payer.WorkflowId)).Events, e => e.EventType == EventTypes.ExternalSignalFailed);
    }

    [Fact(Timeout = TestTimeouts.Unit)]
    public async Task CancelExternal_TheTargetClosesCanceled_AMissingTargetIsNotFound()
    {
        await using var env = await StartAsync();
        await env.Client.StartWorkflowAsync("InvoiceWorkflow", null, new StartWorkflowOptions { WorkflowId = "inv-2" });
        var canceler = await env.Client.StartWorkflowAsync("PayerWorkflow", new PayerInput("inv-2", Cancel: true));
        var missing = await env.Client.StartWorkflowAsync("PayerWorkflow", new PayerInput("inv-404", Cancel: true));

        Assert.Equal("delivered", await canceler.GetResultAsync<string>());
        Assert.Equal("not found: inv-404", await missing.GetResultAsync<string>());
        Assert.Equal(WorkflowStatus.Canceled, (await env.Client.DescribeWorkflowAsync("inv-2")).Status);
        var target = (await env.Client.GetHistoryAsync("inv-2")).Events.Single(e => e.EventType == EventTypes.WorkflowCancelRequested);
        Assert.Contains("changed my mind", target.Attributes.GetRawText(), StringComparison.Ordinal);
        Assert.Contains((await env.Client.GetHistoryAsync(canceler.WorkflowId)).Events, e => e.EventType == EventTypes.ExternalCancelCompleted);
    }
}
