using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk;

/// <summary>
/// What workflow code may use. Everything here is deterministic: on replay it returns what it returned the first time,
/// so workflow code must use it instead of <see cref="DateTime.UtcNow"/>, <see cref="Guid.NewGuid"/>, <see cref="System.Random.Shared"/>,
/// <see cref="Task.Delay(TimeSpan)"/>, <see cref="Task.Run(Action)"/> or I/O.
/// </summary>
public sealed partial class WorkflowContext
{
    private readonly WorkflowState _state;

    internal WorkflowContext(WorkflowState state, ILogger logger, string workflowId, string runId, string workflowType)
    {
        _state = state;
        Logger = logger;
        WorkflowId = workflowId;
        RunId = runId;
        WorkflowType = workflowType;
    }

    /// <summary>The workflow id.</summary>
    public string WorkflowId { get; }

    /// <summary>The id of this run.</summary>
    public string RunId { get; }

    /// <summary>The workflow type name.</summary>
    public string WorkflowType { get; }

    /// <summary>The task queue of this run's workflow tasks.</summary>
    public string TaskQueue => _state.Started?.TaskQueue ?? "";

    /// <summary>The attempt of this run when the workflow was started with a retry policy: 1 for the first run, 2 for its first retry, ...</summary>
    public int Attempt => _state.Started?.Attempt ?? 1;

    /// <summary>
    /// What the run's history says about it (from its <c>WorkflowStarted</c> event, so the same on every replay): ids, type,
    /// task queue, attempt, start time, parent, and the schedule and scheduled time when a schedule started it.
    /// </summary>
    public WorkflowInfo Info => _info ??= new WorkflowInfo
    {
        WorkflowId = WorkflowId, RunId = RunId, WorkflowType = WorkflowType, TaskQueue = TaskQueue, Attempt = Attempt, StartTime = _state.StartTime,
        ParentWorkflowId = _state.Started?.ParentWorkflowId, ParentRunId = _state.Started?.ParentRunId,
        ScheduleId = _state.Started?.ScheduleId, ScheduledTime = _state.Started?.ScheduledTime,
    };

    private WorkflowInfo? _info;

    /// <summary>The current time as recorded in history: the timestamp of the current workflow task's <c>WorkflowTaskScheduled</c> event.</summary>
    public DateTimeOffset UtcNow => _state.UtcNow;

    /// <summary>A random number generator seeded from the run's <c>randomSeed</c>: the same sequence on every replay.</summary>
    public Random Random => _state.Random;

    /// <summary>Whether the code is re-running a workflow task that history already holds (true) or running the current task (false).</summary>
    public bool IsReplaying => _state.IsReplaying;

    /// <summary>A logger that is silent while <see cref="IsReplaying"/>, so each line is written once per run.</summary>
    public ILogger Logger { get; }

    /// <summary>Cancelled when cancellation of the workflow is requested. Waits in flight at that moment throw <see cref="OperationCanceledException"/>; later calls run normally.</summary>
    public CancellationToken CancellationToken => _state.Cancellation.Token;

    /// <summary>The number of history events up to and including the current workflow task's <c>WorkflowTaskScheduled</c> (use it to decide when to <see cref="ContinueAsNew"/>).</summary>
    public long HistoryLength => _state.HistoryLength;

    /// <summary>A deterministic (version 4 shaped) GUID drawn from the run's seeded generator.</summary>
    /// <returns>The GUID.</returns>
    public Guid NewGuid() => _state.NewGuid();

    /// <summary>Runs an activity given as a call expression, e.g. <c>(PaymentActivities a) =&gt; a.ChargeAsync(request)</c>, and returns its result.</summary>
    /// <typeparam name="TActivities">The activities class.</typeparam>
    /// <typeparam name="TResult">The activity's result type.</typeparam>
    /// <param name="call">The call; its arguments are evaluated now and sent as JSON.</param>
    /// <param name="options">Timeouts, retry policy, task queue; null = engine defaults.</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ActivityFailedException">The activity failed for good or timed out.</exception>
    public async Task<TResult> ExecuteActivityAsync<TActivities, TResult>(Expression<Func<TActivities, Task<TResult>>> call, ActivityOptions? options = null,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0)
    {
        ArgumentNullException.ThrowIfNull(call);
        _state.EnsureOnScheduler("ExecuteActivityAsync");
        var (name, arguments) = ActivityCall.Parse(call, _state.Json);
        var result = await _state.ScheduleActivity(name, arguments, options, new CodeLocation(callerFilePath, callerLineNumber));
        return Payloads.Deserialize<TResult>(result, _state.Json)!;
    }

    /// <summary>Runs an activity without a result given as a call expression, e.g. <c>(PaymentActivities a) =&gt; a.RefundAsync(id)</c>.</summary>
    /// <typeparam name="TActivities">The activities class.</typeparam>
    /// <param name="call">The call; its arguments are evaluated now and sent as JSON.</param>
    /// <param name="options">Timeouts, retry policy, task queue; null = engine defaults.</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>A task that completes when the activity has.</returns>
    /// <exception cref="ActivityFailedException">The activity failed for good or timed out.</exception>
    public Task ExecuteActivityAsync<TActivities>(Expression<Func<TActivities, Task>> call, ActivityOptions? options = null,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0)
    {
        ArgumentNullException.ThrowIfNull(call);
        _state.EnsureOnScheduler("ExecuteActivityAsync");
        var (name, arguments) = ActivityCall.Parse(call, _state.Json);
        return _state.ScheduleActivity(name, arguments, options, new CodeLocation(callerFilePath, callerLineNumber));
    }

    /// <summary>Runs an activity by name and returns its result.</summary>
    /// <typeparam name="TResult">The activity's result type.</typeparam>
    /// <param name="activityName">The activity name.</param>
    /// <param name="input">The single argument, or null for an activity without parameters.</param>
    /// <param name="options">Timeouts, retry policy, task queue; null = engine defaults.</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ActivityFailedException">The activity failed for good or timed out.</exception>
    public async Task<TResult> ExecuteActivityAsync<TResult>(string activityName, object? input = null, ActivityOptions? options = null,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0)
    {
        var result = await ExecuteByName(activityName, input, options, new CodeLocation(callerFilePath, callerLineNumber));
        return Payloads.Deserialize<TResult>(result, _state.Json)!;
    }

    /// <summary>Runs an activity by name, without a result.</summary>
    /// <param name="activityName">The activity name.</param>
    /// <param name="input">The single argument, or null for an activity without parameters.</param>
    /// <param name="options">Timeouts, retry policy, task queue; null = engine defaults.</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>A task that completes when the activity has.</returns>
    /// <exception cref="ActivityFailedException">The activity failed for good or timed out.</exception>
    public Task ExecuteActivityAsync(string activityName, object? input = null, ActivityOptions? options = null,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0) =>
        ExecuteByName(activityName, input, options, new CodeLocation(callerFilePath, callerLineNumber));

    private Task<System.Text.Json.JsonElement?> ExecuteByName(string activityName, object? input, ActivityOptions? options, CodeLocation site)
    {
        ArgumentException.ThrowIfNullOrEmpty(activityName);
        _state.EnsureOnScheduler("ExecuteActivityAsync");
        var arguments = input is null
            ? Payloads.SerializeArguments([], [], _state.Json)
            : Payloads.SerializeArguments([input], [input.GetType()], _state.Json);
        return _state.ScheduleActivity(activityName, arguments, options, site);
    }

    /// <summary>Runs a child workflow and returns its result.</summary>
    /// <typeparam name="TResult">The child's result type.</typeparam>
    /// <param name="workflowType">The child's workflow type name.</param>
    /// <param name="input">The child's input, or null.</param>
    /// <param name="options">Workflow id, task queue, parent close policy.</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>The child's result.</returns>
    /// <exception cref="ChildWorkflowFailedException">The child did not complete.</exception>
    public async Task<TResult> ExecuteChildWorkflowAsync<TResult>(string workflowType, object? input = null, ChildWorkflowOptions? options = null,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0)
    {
        var result = await StartChild(workflowType, input, options, new CodeLocation(callerFilePath, callerLineNumber));
        return Payloads.Deserialize<TResult>(result, _state.Json)!;
    }

    /// <summary>Runs a child workflow without a result.</summary>
    /// <param name="workflowType">The child's workflow type name.</param>
    /// <param name="input">The child's input, or null.</param>
    /// <param name="options">Workflow id, task queue, parent close policy.</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>A task that completes when the child has.</returns>
    /// <exception cref="ChildWorkflowFailedException">The child did not complete.</exception>
    public Task ExecuteChildWorkflowAsync(string workflowType, object? input = null, ChildWorkflowOptions? options = null,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0) =>
        StartChild(workflowType, input, options, new CodeLocation(callerFilePath, callerLineNumber));

    private Task<System.Text.Json.JsonElement?> StartChild(string workflowType, object? input, ChildWorkflowOptions? options, CodeLocation site)
    {
        ArgumentException.ThrowIfNullOrEmpty(workflowType);
        _state.EnsureOnScheduler("ExecuteChildWorkflowAsync");
        return _state.StartChildWorkflow(workflowType, Payloads.Serialize(input, _state.Json), options, site);
    }

    /// <summary>Waits for a durable timer (the engine fires it; the worker may be gone meanwhile).</summary>
    /// <param name="delay">How long.</param>
    /// <param name="cancellationToken">Cancels the timer (a <c>CancelTimer</c> command) and the wait.</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>A task that completes when the timer fires.</returns>
    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken = default, [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0) =>
        _state.StartTimer(delay, cancellationToken, new CodeLocation(callerFilePath, callerLineNumber));

    /// <summary>
    /// Takes the next signal of this name (signals are buffered per name in arrival order and each is taken once), waiting
    /// for it if none is buffered.
    /// </summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="signalName">The signal name.</param>
    /// <param name="timeout">How long to wait (a durable timer, cancelled when the signal wins); null = forever.</param>
    /// <param name="cancellationToken">Ends the wait (and cancels its timeout timer) with <see cref="OperationCanceledException"/>; a signal that comes later stays buffered.</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>The signal payload.</returns>
    /// <exception cref="TimeoutException">The timeout passed first.</exception>
    /// <exception cref="OperationCanceledException">
    /// The workflow's cancellation was requested while it waited, or before the wait began (a signal already received is
    /// still returned), or <paramref name="cancellationToken"/> was canceled.
    /// </exception>
    /// <exception cref="InvalidOperationException">The workflow has a <see cref="WorkflowSignalAttribute"/> handler for this signal: its signals go there.</exception>
    public async Task<T> WaitForSignalAsync<T>(string signalName, TimeSpan? timeout = null, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(signalName);
        var payload = await _state.Signals.Wait(signalName, timeout, cancellationToken, new CodeLocation(callerFilePath, callerLineNumber));
        return Payloads.Deserialize<T>(payload, _state.Json)!;
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds: typically a field a signal or update handler sets. The condition is
    /// checked now (true at once, without a timer, when it holds), then each time the workflow's code has run as far as it
    /// can (every branch waits), in the order the waits began. It must only read the workflow's fields: no workflow API, no
    /// side effect, no exception (one that throws fails the wait with its exception).
    /// </summary>
    /// <param name="condition">What to wait for; read the workflow's state only.</param>
    /// <param name="timeout">How long to wait at most (a durable timer, canceled when the condition holds first); null or <see cref="Timeout.InfiniteTimeSpan"/> = forever.</param>
    /// <param name="cancellationToken">Cancels the wait (and its timer).</param>
    /// <param name="callerFilePath">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <param name="callerLineNumber">Filled in by the compiler: where the call is, for <c>__stack_trace</c>.</param>
    /// <returns>True when the condition held, false when the timeout passed with the condition still false.</returns>
    /// <exception cref="OperationCanceledException">
    /// The workflow's cancellation was requested while it waited, or before the wait began (a condition that holds still
    /// returns true), or <paramref name="cancellationToken"/> was canceled.
    /// </exception>
    public Task<bool> WaitConditionAsync(Func<bool> condition, TimeSpan? timeout = null, CancellationToken cancellationToken = default,
        [CallerFilePath] string callerFilePath = "", [CallerLineNumber] int callerLineNumber = 0) =>
        _state.Conditions.Wait(condition, timeout, cancellationToken, new CodeLocation(callerFilePath, callerLineNumber));

    /// <summary>Ends this run and starts a new run of the same workflow id with <paramref name="input"/> (keeps histories short). Never returns.</summary>
    /// <param name="input">The next run's input.</param>
    /// <exception cref="ContinueAsNewException">Always: let it propagate out of the run method.</exception>
    [DoesNotReturn]
    public void ContinueAsNew(object? input)
    {
        _state.EnsureOnScheduler("ContinueAsNew");
        throw new ContinueAsNewException(Payloads.Serialize(input, _state.Json));
    }

    /// <summary>
    /// Versioning: true when this run takes the new code path of <paramref name="patchId"/>. A new run (or code reaching the
    /// call for the first time in the current task) gets true and records a <c>"patch"</c> marker; a replayed run whose
    /// history has no marker at that point gets false and must take the old path. The answer is fixed for the run.
    /// </summary>
    /// <param name="patchId">The patch id.</param>
    /// <returns>Whether to take the new path.</returns>
    public bool Patched(string patchId) => _state.Patched(patchId);

    /// <summary>
    /// Sets search attributes of this run (registered ones: <c>POST /api/v1/search-attributes</c>); a null value removes one.
    /// Recorded as <c>SearchAttributesUpserted</c> with this workflow task's answer, and visible in the list once the task's
    /// answer is recorded; on replay the call is matched with the event and sends nothing. Values: strings (Keyword, Text),
    /// whole numbers (Int), numbers (Double), booleans (Bool), <see cref="DateTimeOffset"/> or <see cref="DateTime"/> (Datetime),
    /// string lists (KeywordList).
    /// </summary>
    /// <param name="searchAttributes">Attribute name to value, or null to remove it.</param>
    /// <exception cref="ArgumentException">No attribute given.</exception>
    public void UpsertSearchAttributes(IReadOnlyDictionary<string, object?> searchAttributes)
    {
        ArgumentNullException.ThrowIfNull(searchAttributes);
        if (searchAttributes.Count == 0)
        {
            throw new ArgumentException("Give at least one search attribute.", nameof(searchAttributes));
        }
        _state.EnsureOnScheduler("UpsertSearchAttributes");
        _state.UpsertSearchAttributes(searchAttributes);
    }

    /// <summary>The search attributes of this run as its code has set them (from the start, carried over, and upserted so far).</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement> SearchAttributes => _state.SearchAttributes;
}
