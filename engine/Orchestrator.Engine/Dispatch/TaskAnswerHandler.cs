using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Decider;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// What workers answer and what comes due, as triggers of the <see cref="RunShell"/>: workflow task commands, activity
/// results (in group commits), timers, and re-sends of tasks whose answer did not come. What each does is <see cref="RunDecider"/>'s.
/// </summary>
internal sealed class TaskAnswerHandler(RunShell shell, GroupCommit group, ActivityCancelNotifier cancels)
{
    public Task HandleAsync(WorkflowTaskCompletedMessage answer) => group.ExecuteAsync(answer.RunId, new WorkflowTaskCompletedTrigger(answer));

    public Task HandleAsync(WorkflowTaskFailedMessage answer) => group.ExecuteAsync(answer.RunId, new WorkflowTaskFailedTrigger(answer));

    public Task HandleAsync(ActivityTaskCompletedMessage answer) => group.ExecuteAsync(answer.RunId, new ActivityCompletedTrigger(answer));

    public Task HandleAsync(ActivityTaskFailedMessage answer) => group.ExecuteAsync(answer.RunId, new ActivityFailedTrigger(answer));

    /// <summary>A worker took the attempt: the ScheduleToStart limit no longer applies to it.</summary>
    public Task HandleAsync(ActivityTaskStartedMessage started) => shell.RecordPickUpAsync(started);

    /// <summary>
    /// An attempt is alive; details over the size limit are not kept (the earlier ones stay), the heartbeat counts. The
    /// heartbeat of an attempt the workflow asked to cancel is answered with a cancel notice to its worker.
    /// </summary>
    public async Task HandleAsync(ActivityHeartbeatMessage heartbeat)
    {
        if (await shell.RecordHeartbeatAsync(heartbeat))
        {
            await cancels.NotifyAsync(heartbeat);
        }
    }

    /// <summary>Sends a workflow task that is due: a retry after back-off, an overdue answer's new attempt, an unconfirmed send.</summary>
    public Task DispatchDueWorkflowTaskAsync(Guid runId) => shell.ExecuteAsync(runId, new WorkflowTaskDueTrigger());

    /// <summary>Sends an activity attempt that is due (first send after back-off) or times out one that ran too long.</summary>
    public Task DispatchDueActivityAsync(Guid runId, long scheduledEventId) => shell.ExecuteAsync(runId, new ActivityDueTrigger(scheduledEventId));

    /// <summary>Fires every due timer of a run in one transaction (once); returns whether it fired any.</summary>
    public async Task<bool> FireDueTimersAsync(Guid runId) => await shell.ExecuteAsync(runId, new TimersDueTrigger()) == RunOutcome.Changed;
}
