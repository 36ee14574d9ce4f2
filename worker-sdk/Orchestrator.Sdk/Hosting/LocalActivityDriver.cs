using Microsoft.Extensions.Logging;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk.Hosting;

/// <summary>One attempt of a local activity, for the function that runs it.</summary>
/// <param name="WorkflowId">The run's workflow id.</param>
/// <param name="RunId">The run id.</param>
/// <param name="Request">The local activity.</param>
/// <param name="Attempt">This attempt (1-based).</param>
/// <param name="Limit">How long it may run: its StartToCloseTimeout, or less when its ScheduleToCloseTimeout ends sooner.</param>
internal readonly record struct LocalActivityAttempt(string WorkflowId, string RunId, LocalActivityRequest Request, int Attempt, TimeSpan Limit);

/// <summary>
/// Runs the local activities of a workflow task in rounds (<see cref="WorkflowInstance.ResolveLocalActivities"/>): the ready
/// ones at once (at most <paramref name="maxConcurrency"/> attempts at a time), each with its retries inside the task while
/// the back-off is below its <see cref="LocalActivityOptions.LocalRetryThreshold"/> and fits in the task's time, else with a
/// durable timer; then their outcomes to the instance, which runs the code on. Before each round after the first, when
/// the task's time budget (<see cref="BudgetShare"/> of the engine's workflow task timeout) is spent or the answer is
/// large, it answers with what it has and <see cref="ContinueInNewTaskCommand"/>: the next task goes on.
/// </summary>
/// <param name="isRegistered">Whether this worker has an activity of that name.</param>
/// <param name="runAttempt">Runs one attempt; its token is the task's (shutdown), the attempt's limit is the function's to keep.</param>
/// <param name="clock">Time for the budget, the ScheduleToCloseTimeout and the first attempt's start; null = the system's.</param>
/// <param name="delay">Waits out an in-task back-off; null = <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> on <paramref name="clock"/>.</param>
/// <param name="logger">The host's logger, or null.</param>
/// <param name="maxConcurrency">Most attempts running at once.</param>
internal sealed class LocalActivityDriver(
    Func<string, bool> isRegistered,
    Func<LocalActivityAttempt, CancellationToken, Task<ActivityResult>> runAttempt,
    TimeProvider? clock = null,
    Func<TimeSpan, CancellationToken, Task>? delay = null,
    ILogger? logger = null,
    int maxConcurrency = 32)
{
    /// <summary>The share of the engine's workflow task timeout a task spends on local activities before it continues in a new task (as Temporal's 80 %).</summary>
    public const double BudgetShare = 0.8;

    /// <summary>The workflow task timeout assumed when the engine's message gives none (the engine's default).</summary>
    public static readonly TimeSpan DefaultTaskTimeout = TimeSpan.FromSeconds(10);

    /// <summary>After this many commands in the answer, the next round goes to a new task (the engine takes at most 10,000).</summary>
    public const int MaxCommandsPerTask = 5_000;

    /// <summary>After about this many bytes of markers in the answer, the next round goes to a new task.</summary>
    public const long MaxMarkerBytesPerTask = 4 * 1024 * 1024;

    /// <summary>Largest result a local activity may return (its marker must stay within the engine's 2 MiB payload limit); more fails it for good.</summary>
    public const int MaxResultBytes = 2 * 1024 * 1024 - 4096;

    private const int MaxFailureText = 32 * 1024;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly int _maxConcurrency = Math.Max(1, maxConcurrency);

    /// <summary>The time a task may spend on local activities, of the engine's <paramref name="taskTimeout"/>.</summary>
    public static TimeSpan Budget(TimeSpan? taskTimeout) => (taskTimeout is { } t && t > TimeSpan.Zero ? t : DefaultTaskTimeout) * BudgetShare;

    /// <summary>
    /// Runs the rounds of the current task on <paramref name="instance"/> after its activation <paramref name="activation"/>;
    /// returns the activation to answer with (all the task's commands, or a task failure).
    /// </summary>
    /// <param name="instance">The run's instance (its current task ran).</param>
    /// <param name="activation">The activation it gave.</param>
    /// <param name="workflowId">For the activities' context.</param>
    /// <param name="runId">For the activities' context.</param>
    /// <param name="budget">The task's time for local activities (<see cref="Budget"/>).</param>
    /// <param name="startedAt">When the task was received (a timestamp of the clock).</param>
    /// <param name="cancellationToken">Shutdown: throws <see cref="OperationCanceledException"/>, nothing recorded.</param>
    public async Task<WorkflowActivation> RunAsync(WorkflowInstance instance, WorkflowActivation activation, string workflowId, string runId, TimeSpan budget,
        long startedAt, CancellationToken cancellationToken)
    {
        var rounds = 0;
        long bytes = 0;
        while (activation.Failure is null)
        {
            var requests = instance.LocalActivitiesToRun();
            if (requests.Count == 0)
            {
                return activation;
            }
            if (requests.FirstOrDefault(r => !isRegistered(r.ActivityName)) is { } unknown)
            {
                // as for a workflow type it does not know: the task fails and is retried (by then a worker that has it may take it)
                return activation with
                {
                    Commands = [],
                    Failure = new FailureInfo("ActivityNotRegisteredException",
                        $"Local activity '{unknown.ActivityName}' (seq {unknown.Seq}) is not registered with this worker; the workflow task fails and is retried."),
                };
            }
            var elapsed = _clock.GetElapsedTime(startedAt);
            if (rounds > 0 && (elapsed >= budget || activation.Commands.Count >= MaxCommandsPerTask || bytes >= MaxMarkerBytesPerTask))
            {
                logger?.LocalActivitiesContinued(workflowId, runId, activation.ScheduledEventId, rounds, activation.Commands.Count, elapsed, requests.Count);
                return activation with { Commands = [.. activation.Commands, new ContinueInNewTaskCommand()] };
            }
            var outcomes = await RunRoundAsync(requests, workflowId, runId, budget, startedAt, cancellationToken).ConfigureAwait(false);
            foreach (var outcome in outcomes)
            {
                bytes += 256 + (outcome.Result is { } r ? r.GetRawText().Length : 0) + (outcome.Failure?.Message.Length ?? 0) + (outcome.Failure?.StackTrace?.Length ?? 0);
            }
            activation = instance.ResolveLocalActivities(activation.ScheduledEventId, outcomes);
            rounds++;
        }
        return activation;
    }

    private async Task<LocalActivityOutcome[]> RunRoundAsync(IReadOnlyList<LocalActivityRequest> requests, string workflowId, string runId, TimeSpan budget,
        long startedAt, CancellationToken cancellationToken)
    {
        if (requests.Count == 1)
        {
            return [await RunOneAsync(requests[0], workflowId, runId, budget, startedAt, cancellationToken).ConfigureAwait(false)];
        }
        using var slots = new SemaphoreSlim(_maxConcurrency);
        return await Task.WhenAll(requests.Select(async request =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await RunOneAsync(request, workflowId, runId, budget, startedAt, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
    }

    /// <summary>Runs one local activity from its next attempt until it completes, fails for good, or needs a durable back-off.</summary>
    private async Task<LocalActivityOutcome> RunOneAsync(LocalActivityRequest request, string workflowId, string runId, TimeSpan budget, long startedAt,
        CancellationToken cancellationToken)
    {
        var options = request.Options;
        var policy = options.RetryPolicy?.ToInfo();
        var threshold = options.LocalRetryThreshold ?? LocalActivityOptions.DefaultLocalRetryThreshold;
        var first = request.FirstAttemptAt ?? _clock.GetUtcNow();
        for (var attempt = request.Attempt; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var limit = options.StartToCloseTimeout;
            if (options.ScheduleToCloseTimeout is { } total)
            {
                var left = first + total - _clock.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    return LocalActivityOutcome.Failed(request.Seq, Math.Max(1, attempt - 1), new FailureInfo("ActivityTimedOut",
                        $"Local activity '{request.ActivityName}' passed its ScheduleToCloseTimeout ({total}) before attempt {attempt}."), first);
                }
                limit = left < limit ? left : limit;
            }
            var began = _clock.GetTimestamp();
            var result = await runAttempt(new LocalActivityAttempt(workflowId, runId, request, attempt, limit), cancellationToken).ConfigureAwait(false);
            if (_clock.GetElapsedTime(began) > budget)
            {
                logger?.LocalActivityOutlastedTask(request.ActivityName, workflowId, runId, attempt, _clock.GetElapsedTime(began), budget);
            }
            if (result.Failure is null)
            {
                if (result.Result is { } value && value.GetRawText().Length is var length && length > MaxResultBytes)
                {
                    // as the engine does for an activity's result over its limit: failed for good (another attempt would return the same)
                    return LocalActivityOutcome.Failed(request.Seq, attempt, new FailureInfo("ResultTooLarge",
                        $"Local activity '{request.ActivityName}' returned {length} bytes of JSON; at most {MaxResultBytes} are recorded."), first);
                }
                return LocalActivityOutcome.Completed(request.Seq, attempt, result.Result, first);
            }
            var failure = Bounded(result.Failure, 0);
            if (LocalActivityRetry.NextDelay(policy, attempt, failure.Type, Random.Shared.NextDouble) is not { } backoff
                || (options.ScheduleToCloseTimeout is { } limitOfAll && _clock.GetUtcNow() + backoff >= first + limitOfAll))
            {
                return LocalActivityOutcome.Failed(request.Seq, attempt, failure, first);
            }
            if (backoff >= threshold || _clock.GetElapsedTime(startedAt) + backoff >= budget)
            {
                return LocalActivityOutcome.RetryAfter(request.Seq, attempt, failure, backoff, first);
            }
            await (delay is null ? Task.Delay(backoff, _clock, cancellationToken) : delay(backoff, cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>A failure cut to what a marker keeps (text of each level at most 32 KiB, 8 levels).</summary>
    private static FailureInfo Bounded(FailureInfo failure, int depth) => new(
        Cut(string.IsNullOrEmpty(failure.Type) ? "Exception" : failure.Type, 200),
        Cut(failure.Message ?? "", MaxFailureText),
        failure.StackTrace is null ? null : Cut(failure.StackTrace, MaxFailureText),
        failure.Inner is { } inner && depth < 8 ? Bounded(inner, depth + 1) : null);

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length] + " [cut]";
}
