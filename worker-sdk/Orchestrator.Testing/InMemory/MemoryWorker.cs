using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Contracts;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Engine.Decider;
using Orchestrator.Sdk;
using Orchestrator.Sdk.Hosting;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Testing.InMemory;

/// <summary>
/// Plays a worker: runs a workflow task on the SDK's replay runtime (a new <see cref="WorkflowInstance"/> replayed on the
/// run's history up to the task, as a worker does without a cached instance) and an activity attempt with the SDK's
/// <see cref="ActivityInvoker"/>; returns the answer as the trigger the engine would decide. Local activities run as a
/// worker runs them (<see cref="LocalActivityDriver"/>), their in-task back-offs skipped (time is virtual here).
/// </summary>
internal sealed partial class MemoryWorker(WorkflowRegistry workflows, ActivityRegistry registry, ActivityInvoker activities, WorkflowRuntimeOptions options)
{
    private const string Identity = "Orchestrator.Testing";

    private readonly LocalActivityDriver _localActivities = new(
        name => registry.TryGet(name, out _),
        (attempt, cancellationToken) => activities.InvokeAsync(new ActivityExecutionContext(attempt.Request.ActivityName, attempt.WorkflowId, attempt.RunId,
            attempt.Attempt, cancellationToken, heartbeat: null, heartbeatDetails: null, jsonSerializerOptions: options.JsonSerializerOptions), attempt.Request.Arguments),
        delay: (_, _) => Task.CompletedTask);

    public async Task<RunTrigger> RunWorkflowTaskAsync(WorkflowTaskMessage task, IReadOnlyList<HistoryEvent> history, CancellationToken cancellationToken)
    {
        var receivedAt = TimeProvider.System.GetTimestamp();
        if (!workflows.TryGet(task.WorkflowType, out var definition))
        {
            return Failed(task, new FailureInfo("WorkflowTypeNotRegisteredException",
                $"Workflow type '{task.WorkflowType}' is not registered with the test environment (AddWorkflow<T>())."));
        }
        try
        {
            var instance = new WorkflowInstance(definition, options, NullLogger.Instance, task.WorkflowId, task.RunId.ToString());
            var activation = instance.Activate(history.Where(e => e.EventId <= task.ScheduledEventId).ToList());
            if (activation.Failure is null)
            {
                activation = await _localActivities.RunAsync(instance, activation, task.WorkflowId, task.RunId.ToString(), LocalActivityDriver.Budget(task.Timeout),
                    receivedAt, cancellationToken).ConfigureAwait(false);
            }
            return activation.Failure is { } failure
                ? Failed(task, failure)
                : new WorkflowTaskCompletedTrigger(new WorkflowTaskCompletedMessage(task.RunId, task.ScheduledEventId, task.Attempt, activation.Commands, Identity));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Failed(task, FailureInfo.FromException(ex));
        }
    }

    /// <summary>Runs an attempt (its heartbeats recorded by <paramref name="heartbeat"/>), inside <paramref name="attempt"/>'s async flow.</summary>
    public async Task<RunTrigger> RunActivityAsync(MemoryAttempt attempt, DateTimeOffset startedAt, Action<JsonElement?> heartbeat)
    {
        var task = attempt.Message;
        MemoryAttempt.Current = attempt;
        var context = new ActivityExecutionContext(task.ActivityName, task.WorkflowId, task.RunId.ToString(), task.Attempt, attempt.Cancellation.Token,
            heartbeat: (_, details) =>
            {
                heartbeat(details);
                return Task.CompletedTask;
            },
            heartbeatDetails: task.HeartbeatDetails, jsonSerializerOptions: options.JsonSerializerOptions);
        var result = await activities.InvokeAsync(context, task.Input).ConfigureAwait(false);
        if (result.Failure is { } stopped && attempt.CancelRequested)
        {
            // as ActivityTaskHandler: the attempt gave up on the workflow's cancel request (the engine records ActivityCanceled)
            result = new ActivityResult(null, new FailureInfo(ActivityFailureTypes.Canceled,
                $"The activity stopped on the workflow's cancel request ({stopped.Type}: {stopped.Message})."));
        }
        return result.Failure is { } failure
            ? new ActivityFailedTrigger(new ActivityTaskFailedMessage(task.RunId, task.ScheduledEventId, task.Attempt, failure, Identity) { StartedAt = startedAt })
            : new ActivityCompletedTrigger(new ActivityTaskCompletedMessage(task.RunId, task.ScheduledEventId, task.Attempt, result.Result, Identity) { StartedAt = startedAt });
    }

    private static WorkflowTaskFailedTrigger Failed(WorkflowTaskMessage task, FailureInfo failure) =>
        new(new WorkflowTaskFailedMessage(task.RunId, task.ScheduledEventId, task.Attempt, failure, Identity));
}
