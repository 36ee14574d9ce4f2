using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Messages;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk.Hosting;

/// <summary>
/// The worker's local activities: the <see cref="LocalActivityDriver"/> of its workflow tasks, whose attempts run the
/// registered activities with the same registry and invoker as ordinary activities, in a DI scope each, with a token that
/// fires at the attempt's limit or when the workflow task's message is cancelled (shutdown: nothing is recorded, the message
/// goes back to the broker; a process that stops after its shutdown timeout leaves the task to be sent again).
/// </summary>
internal sealed class LocalActivityRunner
{
    private readonly ActivityRegistry _activities;
    private readonly ActivityInvoker _invoker;
    private readonly IServiceScopeFactory _scopes;
    private readonly OrchestratorWorkerOptions _options;
    private readonly LocalActivityDriver _driver;

    public LocalActivityRunner(WorkerRegistrations registrations, IServiceProvider services, IServiceScopeFactory scopes, IOptions<OrchestratorWorkerOptions> options,
        ILogger<LocalActivityRunner> logger)
    {
        _activities = registrations.Activities;
        _options = options.Value;
        _invoker = new ActivityInvoker(registrations.Activities, services, _options.JsonSerializerOptions);
        _scopes = scopes;
        _driver = new LocalActivityDriver(name => _activities.TryGet(name, out _), RunAttemptAsync, TimeProvider.System, logger: logger,
            maxConcurrency: _options.MaxConcurrentActivities);
    }

    /// <summary>Runs the local activities of the task <paramref name="task"/> (received at <paramref name="receivedAt"/>) on its activation.</summary>
    public Task<WorkflowActivation> RunAsync(WorkflowInstance instance, WorkflowActivation activation, WorkflowTaskMessage task, long receivedAt,
        CancellationToken cancellationToken) =>
        _driver.RunAsync(instance, activation, task.WorkflowId, task.RunId.ToString(), LocalActivityDriver.Budget(task.Timeout), receivedAt, cancellationToken);

    /// <summary>
    /// When the engine's timeout of <paramref name="task"/> began, as a timestamp of the system clock: now, less the time the
    /// message waited in the broker (its send time by the engine's clock; ignored when the clocks disagree so far that it
    /// looks negative or longer than the timeout).
    /// </summary>
    public static long StartOf(WorkflowTaskMessage task, DateTime? sentTime)
    {
        var now = TimeProvider.System.GetTimestamp();
        if (sentTime is { } sent && DateTime.UtcNow - sent is var queued && queued > TimeSpan.Zero && queued < (task.Timeout ?? LocalActivityDriver.DefaultTaskTimeout))
        {
            now -= (long)(queued.TotalSeconds * TimeProvider.System.TimestampFrequency);
        }
        return now;
    }

    private async Task<ActivityResult> RunAttemptAsync(LocalActivityAttempt attempt, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(attempt.Limit);
        var request = attempt.Request;
        var context = new ActivityExecutionContext(request.ActivityName, attempt.WorkflowId, attempt.RunId, attempt.Attempt, limit.Token,
            heartbeat: null, heartbeatDetails: null, jsonSerializerOptions: _options.JsonSerializerOptions);
        var scope = _scopes.CreateAsyncScope();
        var run = _invoker.InvokeAsync(context, request.Arguments, scope.ServiceProvider);
        ActivityResult result;
        try
        {
            // an attempt that ignores its token is left behind at its limit (it goes on in the background; its result is dropped)
            result = await run.WaitAsync(attempt.Limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            result = TimedOut(attempt);
        }
        finally
        {
            if (run.IsCompleted)
            {
                await scope.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                _ = run.ContinueWith(_ => scope.DisposeAsync().AsTask(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
            }
        }
        cancellationToken.ThrowIfCancellationRequested(); // shutdown: nothing is recorded, the task goes back to the broker
        return result.Failure is not null && limit.IsCancellationRequested ? TimedOut(attempt) : result;
    }

    private static ActivityResult TimedOut(LocalActivityAttempt attempt) => new(null, new FailureInfo("ActivityTimedOut",
        $"Attempt {attempt.Attempt} of local activity '{attempt.Request.ActivityName}' passed its time limit ({attempt.Limit})."));
}
