using Microsoft.Extensions.Logging;
using Orchestrator.Sdk;

namespace OrderSample;

/// <summary>What an approver sends (signal <c>approve</c>).</summary>
/// <param name="By">Who approved.</param>
/// <param name="Approved">False rejects the request.</param>
public sealed record Approval(string By, bool Approved = true);

/// <summary>
/// A long-running approval: waits up to <c>days</c> days (default 7) for the signal <c>approve</c>, then notifies.
/// Start it with input <c>{"requestId":"r-1","days":7}</c> and signal it with
/// <c>POST /api/v1/workflows/{id}/signals/approve</c> <c>{"by":"ana"}</c>.
/// </summary>
[Workflow]
public sealed class ApprovalWorkflow
{
    /// <summary>Waits for the approval and reports the outcome.</summary>
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, ApprovalRequest request)
    {
        string outcome;
        try
        {
            var approval = await context.WaitForSignalAsync<Approval>("approve", TimeSpan.FromDays(request.Days ?? 7));
            outcome = approval.Approved ? $"approved by {approval.By}" : $"rejected by {approval.By}";
        }
        catch (TimeoutException)
        {
            outcome = "expired";
        }
        context.Logger.LogInformation("Request {RequestId} {Outcome}", request.RequestId, outcome);
        await context.ExecuteActivityAsync((ApprovalActivities a) => a.NotifyAsync(request.RequestId, outcome), OrderWorkflow.StepOptions);
        return outcome;
    }
}

/// <summary>The input of <see cref="ApprovalWorkflow"/>.</summary>
/// <param name="RequestId">What is to be approved.</param>
/// <param name="Days">How long to wait for the approval (default 7).</param>
public sealed record ApprovalRequest(string RequestId, int? Days = null);

/// <summary>The approval's side effect.</summary>
public sealed class ApprovalActivities(ILogger<ApprovalActivities> logger)
{
    /// <summary>Tells the requester.</summary>
    [Activity]
    public Task NotifyAsync(string requestId, string outcome)
    {
        logger.LogInformation("Notified the requester of {RequestId}: {Outcome}", requestId, outcome);
        return Task.CompletedTask;
    }
}
