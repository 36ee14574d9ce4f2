using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk.Hosting;

/// <summary>
/// Runs workflow tasks: continues the cached instance of the run when it has applied every event before the task's
/// slice, else replays a new instance from event 1 (the slice itself when it starts there, else the history fetched from
/// the engine), and answers <see cref="WorkflowTaskCompletedMessage"/> or <see cref="WorkflowTaskFailedMessage"/>.
/// </summary>
internal sealed partial class WorkflowTaskHandler : IDisposable
{
    private const int HistoryPageSize = 1000;

    private readonly WorkflowRegistry _workflows;
    private readonly OrchestratorWorkerOptions _options;
    private readonly WorkflowRuntimeOptions _runtimeOptions;
    private readonly EngineSender _sender;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly OrchestratorClient _engine;
    private readonly RunLocks _locks = new();
    private readonly LocalActivityRunner _localActivities;

    public WorkflowTaskHandler(WorkerRegistrations registrations, IOptions<OrchestratorWorkerOptions> options, EngineSender sender, ILoggerFactory loggerFactory,
        IHttpClientFactory httpClients, LocalActivityRunner localActivities)
    {
        _localActivities = localActivities;
        _workflows = registrations.Workflows;
        _options = options.Value;
        _runtimeOptions = _options.ToRuntimeOptions();
        _sender = sender;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<WorkflowTaskHandler>();
        // the client registration AddOrchestratorClient makes (IHttpClientFactory, retries of GETs), with the worker's own
        // engine address and key (Orchestrator:Worker:ApiKey wins over Orchestrator:ApiKey)
        _engine = new OrchestratorClient(_options.EngineUrl, httpClients.CreateClient(OrchestratorClientServiceCollectionExtensions.HttpClientName))
        {
            ApiKey = _options.ApiKey,
            Logger = _logger,
        };
        Cache = new WorkflowCache(_options.MaxCachedWorkflows);
    }

    /// <summary>The client of the engine's REST API the history is fetched with (exposed for tests).</summary>
    internal OrchestratorClient Engine => _engine;

    /// <summary>The cached instances (exposed for tests).</summary>
    internal WorkflowCache Cache { get; }

    public async Task HandleAsync(ConsumeContext<WorkflowTaskMessage> context)
    {
        var task = context.Message;
        var receivedAt = LocalActivityRunner.StartOf(task, context.SentTime); // the engine's timeout runs from the send: local activities keep within it
        using var span = WorkerDiagnostics.StartTask("WorkflowTask " + task.WorkflowType, task.TraceParent, task.WorkflowId, task.RunId, task.TaskQueue,
            task.ScheduledEventId, task.Attempt, (WorkerDiagnostics.WorkflowTypeTag, task.WorkflowType));

        // One task of a run at a time. The answer is sent inside the lock (bounded by EngineSender.SendTimeout), and the
        // advanced instance is cached only once the broker confirmed the answer: an instance whose answer never left would
        // follow on from commands the engine never saw.
        using (await _locks.AcquireAsync(task.RunId, context.CancellationToken).ConfigureAwait(false))
        {
            object answer;
            WorkflowInstance? keep = null;
            try
            {
                (answer, keep) = await RunAsync(task, receivedAt, context.CancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                throw; // shutting down: the message goes back to the broker
            }
            catch (Exception ex)
            {
                _logger.WorkflowTaskError(ex, task.WorkflowId, task.RunId, task.ScheduledEventId);
                answer = Failed(task, FailureInfo.FromException(ex));
            }

            try
            {
                if (answer is WorkflowTaskFailedMessage failed)
                {
                    _logger.WorkflowTaskFailed(task.WorkflowId, task.RunId, task.ScheduledEventId, task.Attempt, failed.Failure.Type, failed.Failure.Message);
                    WorkerDiagnostics.SetFailure(span, failed.Failure.Type, failed.Failure.Message);
                    await _sender.SendAsync(failed, context.CancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _sender.SendAsync((WorkflowTaskCompletedMessage)answer, context.CancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (!context.CancellationToken.IsCancellationRequested)
            {
                // The message is acknowledged all the same: the engine sends the task again when no answer comes (its workflow
                // task timeout), and this worker then replays the run from the engine's history.
                _logger.WorkflowTaskAnswerNotSent(ex, task.WorkflowId, task.RunId, task.ScheduledEventId, task.Attempt);
                return;
            }
            if (keep is not null)
            {
                Cache.Put(task.RunId, keep);
            }
        }
    }

    /// <summary>Runs one workflow task; returns the answer and the instance to cache once the answer is sent (null: none).</summary>
    private async Task<(object Answer, WorkflowInstance? Keep)> RunAsync(WorkflowTaskMessage task, long receivedAt, CancellationToken cancellationToken)
    {
        if (!_workflows.TryGet(task.WorkflowType, out var definition))
        {
            _logger.UnknownWorkflowType(task.WorkflowType, task.WorkflowId, task.RunId, task.TaskQueue);
            return (Failed(task, new FailureInfo(
                "WorkflowTypeNotRegisteredException",
                $"No worker on task queue '{task.TaskQueue}' knows workflow type '{task.WorkflowType}' (this worker runs: {string.Join(", ", _workflows.Definitions.Select(d => d.Name))}).")), null);
        }

        var firstEventId = task.Events.Count > 0 ? task.Events[0].EventId : 0;
        WorkflowInstance? instance = Cache.Take(task.RunId);
        if (instance?.AnswerAgain(task.ScheduledEventId) is { } answered)
        {
            _logger.WorkflowTaskAnsweredAgain(task.WorkflowId, task.RunId, task.ScheduledEventId, task.Attempt);
            return (new WorkflowTaskCompletedMessage(task.RunId, task.ScheduledEventId, task.Attempt, answered, _options.Identity), instance);
        }
        WorkflowActivation? activation = null;
        var how = "cached";
        if (instance is not null)
        {
            if (FollowsOn(instance, task.Events, out var why))
            {
                try
                {
                    activation = instance.Activate(task.Events);
                }
                catch (Exception ex) when (ex is StaleWorkflowInstanceException or ArgumentException)
                {
                    _logger.CachedInstanceDropped(task.WorkflowId, task.RunId, firstEventId, ex.Message);
                }
            }
            else
            {
                _logger.CachedInstanceDropped(task.WorkflowId, task.RunId, firstEventId, why);
            }
        }

        if (activation is null)
        {
            IReadOnlyList<HistoryEvent> history;
            if (firstEventId == 1)
            {
                history = task.Events;
                how = "new";
            }
            else
            {
                history = await FetchHistoryAsync(task, cancellationToken).ConfigureAwait(false);
                how = "replayed from fetched history";
            }
            instance = new WorkflowInstance(definition, _runtimeOptions, _loggerFactory.CreateLogger(definition.Type), task.WorkflowId, task.RunId.ToString());
            activation = instance.Activate(history);
        }

        if (activation.Failure is null)
        {
            activation = await _localActivities.RunAsync(instance!, activation, task, receivedAt, cancellationToken).ConfigureAwait(false);
        }
        if (activation.Failure is { } failure)
        {
            return (Failed(task, failure), null); // the instance is faulted: not cached
        }
        _logger.WorkflowTaskCompleted(task.WorkflowId, task.RunId, task.ScheduledEventId, task.Attempt, activation.Commands.Count, how);
        instance!.Answered(task.ScheduledEventId, activation.Commands);
        return (new WorkflowTaskCompletedMessage(task.RunId, task.ScheduledEventId, task.Attempt, activation.Commands, _options.Identity),
            instance!.IsCompleted ? null : instance);
    }

    /// <summary>
    /// Whether <paramref name="instance"/> may apply <paramref name="slice"/>: it has applied every event before it, and, when
    /// it last ran a continuation (its own events, not yet the engine's), the slice's first event shows that the engine
    /// applied that continuation (its <c>WorkflowTaskStarted</c> names it). Else the instance is dropped and replayed.
    /// </summary>
    private static bool FollowsOn(WorkflowInstance instance, IReadOnlyList<HistoryEvent> slice, out string why)
    {
        if (slice.Count == 0 || instance.LastEventId != slice[0].EventId - 1)
        {
            why = $"it has applied events up to {instance.LastEventId}, the new events start at {(slice.Count == 0 ? 0 : slice[0].EventId)}";
            return false;
        }
        if (instance.UnconfirmedContinuation is { } continuation)
        {
            var first = slice[0];
            var applied = first.EventType == EventTypes.WorkflowTaskStarted
                && first.Attributes.ValueKind == System.Text.Json.JsonValueKind.Object
                && first.Attributes.TryGetProperty("continuationId", out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String
                && id.TryGetGuid(out var recorded) && recorded == continuation;
            if (!applied)
            {
                why = $"the engine did not apply the workflow task it continued here ({continuation})";
                return false;
            }
            instance.UnconfirmedContinuation = null;
        }
        why = "";
        return true;
    }

    /// <summary>
    /// Runs the workflow task that follows a completed activity on the cached instance of its run, when the activity's
    /// message carried the run's tail and the instance has applied everything before it; returns the task's commands for the
    /// engine to apply with the result (<see cref="ContinuedWorkflowTask"/>), or null (the result then goes alone). The
    /// instance stays cached with the events it assumed, marked with the continuation's id: it follows on only from a slice
    /// whose <c>WorkflowTaskStarted</c> carries that id (the engine applied this continuation, not another worker's or none),
    /// else the run is replayed from the engine's history.
    /// </summary>
    public async Task<ContinuedWorkflowTask?> TryContinueAsync(ActivityTaskMessage activity, System.Text.Json.JsonElement? result, CancellationToken cancellationToken)
    {
        if (!_options.EagerWorkflowTasks || activity.WorkflowTail is not { Count: > 0 } tail || activity.Seq <= 0)
        {
            return null;
        }
        using (await _locks.AcquireAsync(activity.RunId, cancellationToken).ConfigureAwait(false))
        {
            var instance = Cache.Take(activity.RunId);
            if (instance is null)
            {
                return null;
            }
            if (!FollowsOn(instance, tail, out var why))
            {
                if (instance.UnconfirmedContinuation is null)
                {
                    Cache.Put(activity.RunId, instance); // it may still follow on from a later workflow task
                }
                _logger.ContinuationSkipped(activity.WorkflowId, activity.RunId, activity.ScheduledEventId, why);
                return null;
            }
            var first = tail[^1].EventId + 1; // ActivityStarted; then ActivityCompleted and this task's WorkflowTaskScheduled
            using var span = WorkerDiagnostics.StartTask("WorkflowTask " + instance.WorkflowType, activity.TraceParent, activity.WorkflowId, activity.RunId,
                null, first + 2, 1, (WorkerDiagnostics.WorkflowTypeTag, instance.WorkflowType));
            span?.SetTag(WorkerDiagnostics.ContinuedTag, true);
            // whole microseconds, as PostgreSQL keeps them: a replay must see the same UtcNow; never before the run's last
            // recorded event, so the workflow clock does not go back when this machine's clock is behind the engine's
            var now = DateTimeOffset.UtcNow > tail[^1].Timestamp ? DateTimeOffset.UtcNow : tail[^1].Timestamp;
            var at = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
            var events = new List<HistoryEvent>(tail.Count + 3);
            events.AddRange(tail);
            events.Add(new HistoryEvent(first, EventTypes.ActivityStarted, at,
                HistoryJson.ToAttributes(new ActivityStartedAttributes(activity.Seq, activity.ScheduledEventId, activity.Attempt))));
            events.Add(new HistoryEvent(first + 1, EventTypes.ActivityCompleted, at,
                HistoryJson.ToAttributes(new ActivityCompletedAttributes(activity.Seq, activity.ScheduledEventId, result))));
            events.Add(new HistoryEvent(first + 2, EventTypes.WorkflowTaskScheduled, at, HistoryJson.ToAttributes(new WorkflowTaskScheduledAttributes(1))));
            WorkflowActivation activation;
            try
            {
                activation = instance.Activate(events);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.ContinuationSkipped(activity.WorkflowId, activity.RunId, activity.ScheduledEventId, ex.Message);
                return null; // the instance is dropped; the engine sends the task as usual
            }
            if (activation.Failure is { } failure)
            {
                // not cached (faulted); the engine sends the task as usual and it fails there, visibly
                _logger.ContinuationSkipped(activity.WorkflowId, activity.RunId, activity.ScheduledEventId, $"{failure.Type}: {failure.Message}");
                return null;
            }
            var commands = instance.LocalActivitiesToRun().Count > 0
                ? [.. activation.Commands, new Contracts.Commands.ContinueInNewTaskCommand()] // local activities run in a task of their own, not while the activity's answer waits
                : activation.Commands;
            var continuationId = Guid.NewGuid();
            if (!instance.IsCompleted)
            {
                // cached with its own events: it follows on only once a WorkflowTaskStarted shows the engine applied them
                instance.UnconfirmedContinuation = continuationId;
                Cache.Put(activity.RunId, instance);
            }
            _logger.WorkflowTaskCompleted(activity.WorkflowId, activity.RunId, first + 2, 1, commands.Count, "continued after its activity");
            return new ContinuedWorkflowTask(tail[0].EventId, first, at, commands, continuationId);
        }
    }

    private async Task<IReadOnlyList<HistoryEvent>> FetchHistoryAsync(WorkflowTaskMessage task, CancellationToken cancellationToken)
    {
        var events = await FetchHistoryAsync(task.WorkflowId, task.RunId, task.ScheduledEventId, cancellationToken).ConfigureAwait(false);
        if (events.Count == 0 || events[^1].EventId != task.ScheduledEventId)
        {
            throw new InvalidOperationException(
                $"The engine's history of {task.WorkflowId}/{task.RunId} ends at event {(events.Count == 0 ? 0 : events[^1].EventId)}, before the task's event {task.ScheduledEventId}.");
        }
        return events;
    }

    /// <summary>The run's history from event 1, up to <paramref name="upTo"/> (null: all of it), page by page from the engine.</summary>
    private async Task<IReadOnlyList<HistoryEvent>> FetchHistoryAsync(string workflowId, Guid runId, long? upTo, CancellationToken cancellationToken)
    {
        var events = new List<HistoryEvent>();
        string? pageToken = null;
        do
        {
            var page = await _engine.GetHistoryAsync(workflowId, runId.ToString(), HistoryPageSize, pageToken, cancellationToken).ConfigureAwait(false);
            events.AddRange(page.Events.Where(e => upTo is not { } last || e.EventId <= last));
            pageToken = page.NextPageToken;
            if (upTo is { } end && page.Events.Count > 0 && page.Events[^1].EventId >= end)
            {
                break; // the rest is after this task
            }
        }
        while (pageToken is not null);
        _logger.HistoryFetched(events.Count, workflowId, runId);
        return events;
    }

    private WorkflowTaskFailedMessage Failed(WorkflowTaskMessage task, FailureInfo failure) =>
        new(task.RunId, task.ScheduledEventId, task.Attempt, failure, _options.Identity);

    public void Dispose() => _engine.Dispose();
}
