using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>
/// One attempt (no retries) of an activity that ignores its token and returns after <c>ReturnAfterMs</c>, with a
/// StartToCloseTimeout of <c>TimeoutMs</c>: an answer after the deadline is a timeout, whatever the engine's sweeper has
/// seen by then. Returns what the workflow saw.
/// </summary>
[Workflow]
public sealed class LateAnswerWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, LateAnswerInput input)
    {
        try
        {
            return await context.ExecuteActivityAsync((LateAnswerActivities a) => a.ReturnLateAsync(input.ReturnAfterMs), new ActivityOptions
            {
                StartToCloseTimeout = TimeSpan.FromMilliseconds(input.TimeoutMs),
                RetryPolicy = new RetryPolicy { MaximumAttempts = 1 },
            });
        }
        catch (ActivityFailedException e)
        {
            return "timed out: " + e.Message;
        }
    }
}

public sealed record LateAnswerInput(int ReturnAfterMs, int TimeoutMs);

public sealed class LateAnswerActivities
{
    [Activity]
    public async Task<string> ReturnLateAsync(int afterMs)
    {
        await Task.Delay(afterMs, CancellationToken.None); // ignores its token: answers after its deadline
        return "late result";
    }
}
