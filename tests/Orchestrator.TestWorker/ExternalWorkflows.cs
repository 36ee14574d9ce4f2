using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>What <see cref="SignalOtherWorkflow"/> and <see cref="CancelOtherWorkflow"/> do: to whom, with what.</summary>
public sealed record ExternalInput(string TargetId, string? Value = null);

/// <summary>Signals "paid" with the value to the target, then returns "sent"; "not found: ID" when the target has no open run.</summary>
[Workflow]
public sealed class SignalOtherWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, ExternalInput input)
    {
        try
        {
            await context.SignalExternalWorkflowAsync(input.TargetId, "paid", input.Value);
            return "sent";
        }
        catch (WorkflowNotFoundException e)
        {
            return "not found: " + e.WorkflowId;
        }
    }
}

/// <summary>Waits for signal "paid" and returns its value (the target of <see cref="SignalOtherWorkflow"/>).</summary>
[Workflow]
public sealed class PaymentReceiverWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context) => "paid " + await context.WaitForSignalAsync<string>("paid");
}

/// <summary>Asks the target to cancel, then returns "asked".</summary>
[Workflow]
public sealed class CancelOtherWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, ExternalInput input)
    {
        await context.CancelExternalWorkflowAsync(input.TargetId, "the order was withdrawn");
        return "asked";
    }
}
