using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>
/// A signal awaited with a timeout (its timer): when "go" comes first the code cancels the timer and waits for "done". Used
/// to check that a timer that fired while the cancelling task was in flight is not recorded as fired after its cancel.
/// </summary>
[Workflow]
public sealed class TimerOrSignalWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, double timerSeconds)
    {
        try
        {
            await context.WaitForSignalAsync<string>("go", TimeSpan.FromSeconds(timerSeconds));
        }
        catch (TimeoutException)
        {
            return "timer";
        }
        await context.WaitForSignalAsync<string>("done");
        return "signal";
    }
}

/// <summary>Continues as new on each "next" signal, for ever; ends only when canceled.</summary>
[Workflow]
public sealed class ContinueOnSignalWorkflow
{
    [WorkflowRun]
    public async Task<int> RunAsync(WorkflowContext context, int generation)
    {
        await context.WaitForSignalAsync<string>("next");
        context.ContinueAsNew(generation + 1);
        return generation;
    }
}
