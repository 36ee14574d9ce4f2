using Orchestrator.Sdk;

namespace Orchestrator.TestWorker;

/// <summary>
/// Started by a schedule: waits <c>delayMs</c> on a durable timer (a cancel ends it Canceled), then returns what
/// <see cref="WorkflowContext.Info"/> says: "scheduleId|scheduledTime|workflowId".
/// </summary>
[Workflow]
public sealed class ScheduledWorkflow
{
    [WorkflowRun]
    public async Task<string> RunAsync(WorkflowContext context, int delayMs)
    {
        if (delayMs > 0)
        {
            await context.DelayAsync(TimeSpan.FromMilliseconds(delayMs));
        }
        var info = context.Info;
        return $"{info.ScheduleId}|{info.ScheduledTime:yyyy-MM-ddTHH:mm:ssZ}|{info.WorkflowId}";
    }
}
