using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Messages;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk.Hosting;

/// <summary>
/// Runs one activity attempt per message: a DI scope, an <see cref="ActivityExecutionContext"/> whose token fires at the
/// start-to-close timeout or on shutdown, heartbeats to the engine, and the answer <see cref="ActivityTaskCompletedMessage"/>
/// or <see cref="ActivityTaskFailedMessage"/>.
/// </summary>
internal sealed class ActivityTaskHandler
{
    private readonly ActivityInvoker _invoker;
    private readonly IServiceScopeFactory _scopes;
    private readonly EngineSender _sender;
    private readonly OrchestratorWorkerOptions _options;
    private readonly ILogger _logger;
    private readonly WorkerLifetime _lifetime;
    private readonly WorkflowTaskHandler _workflowTasks;
    private readonly ActivityCancellations _cancellations;

    public ActivityTaskHandler(WorkerRegistrations registrations, IServiceProvider services, IServiceScopeFactory scopes, IOptions<OrchestratorWorkerOptions> options, EngineSender sender, WorkerLifetime lifetime,
        WorkflowTaskHandler workflowTasks, ActivityCancellations cancellations, ILogger<ActivityTaskHandler> logger)
    {
        _cancellations = cancellations;
        _workflowTasks = workflowTasks;
        _lifetime = lifetime;
        _options = options.Value;
        _invoker = new ActivityInvoker(registrations.Activities, services, _options.JsonSerializerOptions);
        _scopes = scopes;
        _sender = sender;
        _logger = logger;
    }

    /// <summary>How long after its HeartbeatTimeout a silent attempt's token is cancelled by the worker.</summary>
    internal static readonly TimeSpan HeartbeatGrace = TimeSpan.FromSeconds(1);

    public async Task HandleAsync(ConsumeContext<ActivityTaskMessage> context)
    {
        var task = context.Message;
        using var span = WorkerDiagnostics.StartTask("Activity " + task.ActivityName, task.TraceParent, task.WorkflowId, task.RunId, task.TaskQueue,
            task.ScheduledEventId, task.Attempt, (WorkerDiagnostics.ActivityNameTag, task.ActivityName));

        if (task.ReportStart)
        {
            await _sender.SendAsync(new ActivityTaskStartedMessage(task.RunId, task.ScheduledEventId, task.Attempt, _options.Identity), context.CancellationToken).ConfigureAwait(false);
        }
        using var timeout = new CancellationTokenSource();
        if (task.StartToCloseTimeout is { } limit && limit > TimeSpan.Zero)
        {
            timeout.CancelAfter(limit);
        }
        // The engine times an attempt out when its heartbeats stop for HeartbeatTimeout (its sweeper acts within about a
        // second); the worker cancels the attempt on its own a second after that (each heartbeat call pushes the deadline
        // on), so an attempt the engine has superseded stops.
        using var heartbeatWatch = new CancellationTokenSource();
        var heartbeatTimeout = task.HeartbeatTimeout is { } hb && hb > TimeSpan.Zero ? hb + HeartbeatGrace : (TimeSpan?)null;
        if (heartbeatTimeout is { } initial)
        {
            heartbeatWatch.CancelAfter(initial);
        }
        // the workflow asked to cancel the activity: the engine says so in answer to a heartbeat (ActivityCancelMessage)
        using var canceled = new CancellationTokenSource();
        using var registration = _cancellations.Register(task, canceled);
        using var attemptToken = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, heartbeatWatch.Token, context.CancellationToken, _lifetime.Stopping, canceled.Token);
        ActivityResult result;
        var startedAt = DateTimeOffset.UtcNow; // in the answer: ActivityStarted tells when the attempt really began
        var heartbeats = new HeartbeatSender(_sender, task, _logger, () => _cancellations.Queue);
        await using (heartbeats.ConfigureAwait(false))
        {
            var executionContext = new ActivityExecutionContext(
                task.ActivityName, task.WorkflowId, task.RunId.ToString(), task.Attempt, attemptToken.Token,
                (ctx, details) =>
                {
                    if (heartbeatTimeout is { } limit && !heartbeatWatch.IsCancellationRequested)
                    {
                        heartbeatWatch.CancelAfter(limit);
                    }
                    return heartbeats.HeartbeatAsync(ctx, details);
                }, task.HeartbeatDetails, _options.JsonSerializerOptions);
            var scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                result = await _invoker.InvokeAsync(executionContext, task.Input, scope.ServiceProvider).ConfigureAwait(false);
            }
        }

        if (result.Failure is { } failure)
        {
            if ((context.CancellationToken.IsCancellationRequested || _lifetime.Stopping.IsCancellationRequested) && !timeout.IsCancellationRequested && !heartbeatWatch.IsCancellationRequested)
            {
                // Interrupted by shutdown: no answer. The task goes back to its queue for another worker (a copy is sent
                // there before this message is acknowledged; MassTransit would move a faulted message to the _error queue).
                _logger.ActivityInterrupted(task.ActivityName, task.WorkflowId, task.RunId, task.ScheduledEventId, task.Attempt);
                var queue = await context.GetSendEndpoint(context.ReceiveContext.InputAddress).ConfigureAwait(false);
                await queue.Send(task, CancellationToken.None).ConfigureAwait(false);
                return;
            }
            if (canceled.IsCancellationRequested)
            {
                // the activity gave up on the workflow's cancel request: the engine records ActivityCanceled
                _logger.ActivityCanceled(task.ActivityName, task.WorkflowId, task.RunId, task.ScheduledEventId, task.Attempt, failure.Type);
                await _sender.SendAsync(new ActivityTaskFailedMessage(task.RunId, task.ScheduledEventId, task.Attempt,
                    new Contracts.FailureInfo(ActivityFailureTypes.Canceled, $"The activity stopped on the workflow's cancel request ({failure.Type}: {failure.Message})."),
                    _options.Identity, startedAt), context.CancellationToken).ConfigureAwait(false);
                return;
            }
            if (heartbeatWatch.IsCancellationRequested && !timeout.IsCancellationRequested)
            {
                // Cancelled by its own heartbeat deadline: the engine records the heartbeat timeout (it owns timeouts) and
                // retries; an answer here would race it and be counted as an ordinary failure.
                _logger.ActivityHeartbeatTimedOut(task.ActivityName, task.WorkflowId, task.RunId, task.ScheduledEventId, task.Attempt);
                return;
            }
            _logger.ActivityFailed(task.ActivityName, task.WorkflowId, task.RunId, task.ScheduledEventId, task.Attempt, failure.Type, failure.Message);
            WorkerDiagnostics.SetFailure(span, failure.Type, failure.Message);
            await _sender.SendAsync(new ActivityTaskFailedMessage(task.RunId, task.ScheduledEventId, task.Attempt, failure, _options.Identity, startedAt), context.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            _logger.ActivityCompleted(task.ActivityName, task.WorkflowId, task.RunId, task.ScheduledEventId, task.Attempt);
            var continuation = await _workflowTasks.TryContinueAsync(task, result.Result, context.CancellationToken).ConfigureAwait(false);
            await _sender.SendAsync(new ActivityTaskCompletedMessage(task.RunId, task.ScheduledEventId, task.Attempt, result.Result, _options.Identity, continuation,
                startedAt),
                context.CancellationToken).ConfigureAwait(false);
        }
    }
}
