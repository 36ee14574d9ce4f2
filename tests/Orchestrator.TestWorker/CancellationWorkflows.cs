using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>
/// An activity that charges slowly: heartbeats every 100 ms for <paramref name="milliseconds"/>, honouring its token
/// (then it throws, as a canceled activity should), and returns "charged".
/// </summary>
public sealed class CancellationActivities
{
    [Activity("SlowCharge")]
    public async Task<string> SlowChargeAsync(int milliseconds)
    {
        var context = ActivityExecutionContext.Current;
        var until = DateTime.UtcNow.AddMilliseconds(milliseconds);
        while (DateTime.UtcNow < until)
        {
            await context.HeartbeatAsync();
            await Task.Delay(100, context.CancellationToken);
        }
        return "charged";
    }
}

/// <summary>What <see cref="ChargeWithTimeoutWorkflow"/> does: the cancellation type, and how long the charge takes.</summary>
public sealed record ChargeWithTimeoutInput(string CancellationType, int ChargeMilliseconds);

/// <summary>
/// "Charge the card, but give up after a second": the charge raced against a 1 s timer, canceled with the type given when
/// the timer wins; then 4 s more, so the activity's close (canceled, or its abandoned result) is in history before the run
/// closes. Returns "charged" or "canceled".
/// </summary>
[Workflow]
public sealed class ChargeWithTimeoutWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, ChargeWithTimeoutInput input)
    {
        using var cts = new CancellationTokenSource();
        var charge = context.ExecuteActivityAsync<string>("SlowCharge", input.ChargeMilliseconds, new ActivityOptions
        {
            StartToCloseTimeout = TimeSpan.FromSeconds(30), HeartbeatTimeout = TimeSpan.FromSeconds(2),
            CancellationToken = cts.Token, CancellationType = Enum.Parse<ActivityCancellationType>(input.CancellationType),
        });
        var timeout = context.DelayAsync(TimeSpan.FromSeconds(1));
        if (await Task.WhenAny(charge, timeout) != timeout)
        {
            return await charge;
        }
        cts.Cancel();
        string outcome;
        try
        {
            outcome = await charge;
        }
        catch (OperationCanceledException)
        {
            outcome = "canceled";
        }
        await context.DelayAsync(TimeSpan.FromSeconds(4));
        return outcome;
    }
}

/// <summary>Starts <see cref="WaitForeverWorkflow"/> as a child with the given id, cancels it after a second and waits until it closed.</summary>
[Workflow]
public sealed class CancelChildWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, string childId)
    {
        using var cts = new CancellationTokenSource();
        var child = context.ExecuteChildWorkflowAsync("WaitForeverWorkflow", null, new ChildWorkflowOptions
        {
            WorkflowId = childId, CancellationToken = cts.Token, CancellationType = ChildWorkflowCancellationType.WaitCancellationCompleted,
        });
        await context.DelayAsync(TimeSpan.FromSeconds(1));
        cts.Cancel();
        try
        {
            await child;
            return "child completed";
        }
        catch (OperationCanceledException)
        {
            return "child canceled";
        }
    }
}
