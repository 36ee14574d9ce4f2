using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// One workflow run in memory: a single-threaded <see cref="TaskScheduler"/> that runs the workflow code, and the replay
/// of its history.
/// <para>
/// Replay rule: the code runs at every <c>WorkflowTaskScheduled</c> that was completed (followed by <c>WorkflowTaskStarted</c>
/// and <c>WorkflowTaskCompleted</c>) and at the last one (the current task). Before it runs, every event since the previous
/// run point is applied <b>all at once</b>, in event order: each resolves its waiter, whose continuation is queued on the
/// scheduler; then the scheduler runs until every branch waits, continuations in the order they were queued. The commands
/// the code produced at a completed task must match, in order and kind, the command events that follow its
/// <c>WorkflowTaskCompleted</c>. Failed tasks (<c>WorkflowTaskFailed</c>) are skipped: their events are applied at the
/// next run point. Cached (incremental) and cold activation follow the same path, so they produce the same commands.
/// </para>
/// </summary>
internal sealed partial class WorkflowInstance : TaskScheduler
{
    [ThreadStatic]
    private static WorkflowInstance? _running;

    private readonly WorkflowDefinition _definition;
    private readonly WorkflowRuntimeOptions _options;
    private readonly ILogger _logger;
    private readonly Queue<Task> _ready = new();
    private readonly Lock _queueLock = new();
    private readonly WorkflowState _state;
    private readonly List<HistoryEvent> _batch = [];
    private readonly List<HistoryEvent> _late = [];
    private Thread? _thread;
    private volatile string? _escape;
    private long _taskStartedAt;
    private bool _faulted;
    private HistoryEvent? _candidate;
    private bool _ranAtCandidate;
    private List<WorkflowCommand> _lastCommands = [];
    private readonly CommandReplayCheck _check;
    private readonly WorkflowHandlers _handlers;
    private Task<JsonElement?>? _run;
    private object? _workflow;
    private bool _closed;
    private volatile bool _querying;
    private string? _queryViolation;
    private Func<string, string> _readOnlyRule = QueryRule;
    private HistoryEvent? _lastApplied;

    /// <summary>Creates an instance; it runs nothing until <see cref="Activate"/>.</summary>
    /// <param name="definition">The workflow class.</param>
    /// <param name="options">Runtime options (serializer, deadlock timeout, escape detection).</param>
    /// <param name="logger">The logger behind <see cref="WorkflowContext.Logger"/>; null = none.</param>
    /// <param name="workflowId">The workflow id (for <see cref="WorkflowContext.WorkflowId"/> and default child ids).</param>
    /// <param name="runId">The run id.</param>
    public WorkflowInstance(WorkflowDefinition definition, WorkflowRuntimeOptions options, ILogger? logger, string? workflowId = null, string? runId = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        _definition = definition;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _state = new WorkflowState(options.JsonSerializerOptions, EnsureOnScheduler)
        {
            WorkflowIdForChildren = workflowId ?? "workflow",
            HasSignalHandler = definition.Signals.ContainsKey,
        };
        _check = new CommandReplayCheck(_state);
        Context = new WorkflowContext(_state, new ReplaySafeLogger(_logger, () => _state.IsReplaying), workflowId ?? "", runId ?? "", definition.Name);
        _handlers = new WorkflowHandlers(definition, _state, Context, this);
        if (options.DetectEscapes)
        {
            EscapeDetector.EnsureStarted();
        }
    }

    /// <summary>The instance whose activation runs on this thread, if any.</summary>
    internal static WorkflowInstance? Running => _running;

    /// <summary>The context handed to the workflow code.</summary>
    public WorkflowContext Context { get; }

    /// <summary>The id of the last history event applied.</summary>
    public long LastEventId { get; private set; }

    /// <summary>The workflow type's name.</summary>
    public string WorkflowType => _definition.Name;

    /// <summary>Whether the run is closed (the code returned, threw, or a closing event was seen): no further task will come.</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>Whether an activation failed; the instance must then be discarded.</summary>
    public bool IsFaulted => _faulted;

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => 1;

    /// <summary>Set by <see cref="EscapeDetector"/>: an await continuation was sent somewhere and has not (yet) arrived on this scheduler.</summary>
    internal bool UnplacedContinuation { get; set; }

    /// <summary>
    /// Set when this instance ran a workflow task continued after an activity (its own, assumed events): the id of that
    /// continuation, until the engine's history shows it applied it (see the worker's workflow task handler).
    /// </summary>
    internal Guid? UnconfirmedContinuation { get; set; }

    /// <summary>
    /// Applies new history and runs the workflow code for the current task. The first call gets the history from event 1;
    /// later calls only the new events (the first id is <see cref="LastEventId"/> + 1). The slice ends with the current
    /// <c>WorkflowTaskScheduled</c>.
    /// </summary>
    /// <param name="events">The events.</param>
    /// <returns>The current task's commands, or a task failure (after which the instance is faulted).</returns>
    /// <exception cref="ArgumentException">The slice is empty, does not follow on, or does not end with <c>WorkflowTaskScheduled</c>.</exception>
    /// <exception cref="StaleWorkflowInstanceException">The task this instance answered last failed: replay cold.</exception>
    public WorkflowActivation Activate(IReadOnlyList<HistoryEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0 || events[^1].EventType != EventTypes.WorkflowTaskScheduled)
        {
            throw new ArgumentException("An activation's events must end with the current WorkflowTaskScheduled.", nameof(events));
        }
        var current = events[^1];
        try
        {
            RunWatched(() => Walk(events, activation: true));
            return new WorkflowActivation(current.EventId, _lastCommands, null);
        }
        catch (NonDeterminismException ex)
        {
            _faulted = true;
            return new WorkflowActivation(current.EventId, [], FailureInfo.FromException(ex));
        }
        catch (Exception ex) when (ex is not (ArgumentException or StaleWorkflowInstanceException))
        {
            _faulted = true; // e.g. malformed attributes: fail the task, never the workflow
            return new WorkflowActivation(current.EventId, [], FailureInfo.FromException(ex));
        }
    }

    /// <summary>Replays a whole history (any end) and throws <see cref="NonDeterminismException"/> on the first mismatch.</summary>
    internal IReadOnlyList<WorkflowCommand> Replay(IReadOnlyList<HistoryEvent> events)
    {
        RunWatched(() => Walk(events, activation: false));
        return _lastCommands;
    }

    private void Walk(IReadOnlyList<HistoryEvent> events, bool activation)
    {
        if (_faulted)
        {
            throw new StaleWorkflowInstanceException("This workflow instance failed an earlier activation; discard it and replay from event 1.");
        }
        if (_escape is { } escaped)
        {
            Fault(escaped);
        }
        if (events.Count > 0 && events[0].EventId != LastEventId + 1)
        {
            throw new ArgumentException($"Events must follow on: expected event {LastEventId + 1}, got {events[0].EventId}.", nameof(events));
        }
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.EventId != LastEventId + 1)
            {
                throw new ArgumentException($"History has a gap: event {e.EventId} follows event {LastEventId}.", nameof(events));
            }
            LastEventId = e.EventId;
            _lastApplied = e;
            if (_check.Active)
            {
                if (CommandMatcher.IsCommandEvent(e.EventType))
                {
                    _check.Match(e);
                    continue;
                }
                _check.End(e, LastEventId);
            }
            switch (e.EventType)
            {
                case EventTypes.WorkflowStarted:
                    _state.Start(e.GetAttributes<WorkflowStartedAttributes>(), e.Timestamp);
                    break;
                case EventTypes.WorkflowTaskScheduled:
                    if (_candidate is not null)
                    {
                        DropCandidate(); // the previous task never started (timed out before a worker took it)
                    }
                    _candidate = e;
                    _ranAtCandidate = false;
                    break;
                case EventTypes.WorkflowTaskStarted:
                    break;
                case EventTypes.WorkflowTaskCompleted:
                    if (_candidate is null)
                    {
                        throw new NonDeterminismException($"Event {e.EventId} (WorkflowTaskCompleted) has no WorkflowTaskScheduled before it.", e.EventId);
                    }
                    if (!_ranAtCandidate)
                    {
                        RunCode(_candidate, replaying: true, PatchesAhead(events, i + 1), RecordedMarkers.After(events, i + 1));
                    }
                    _candidate = null;
                    _batch.AddRange(_late);
                    _late.Clear();
                    _check.Begin(_lastCommands);
                    break;
                case EventTypes.WorkflowTaskFailed:
                    if (_candidate is not null)
                    {
                        DropCandidate();
                        _candidate = null;
                    }
                    break;
                default:
                    if (CommandMatcher.IsCommandEvent(e.EventType))
                    {
                        throw new NonDeterminismException($"Event {e.EventId} holds {CommandMatcher.Describe(e)} but it does not follow a WorkflowTaskCompleted's commands.", e.EventId);
                    }
                    if (e.EventType is EventTypes.WorkflowTerminated or EventTypes.WorkflowTimedOut)
                    {
                        IsCompleted = true;
                    }
                    (_candidate is null ? _batch : _late).Add(e);
                    break;
            }
        }
        if (_check.Active && !activation)
        {
            _check.End(null, LastEventId);
        }
        if (_candidate is not null && !_ranAtCandidate)
        {
            RunCode(_candidate, replaying: false, null);
        }
    }

    private void DropCandidate()
    {
        if (_ranAtCandidate)
        {
            _faulted = true;
            throw new StaleWorkflowInstanceException($"The workflow task of event {_candidate!.EventId} that this instance answered did not complete; discard the instance and replay from event 1.");
        }
        _batch.AddRange(_late);
        _late.Clear();
    }

    private static HashSet<string>? PatchesAhead(IReadOnlyList<HistoryEvent> events, int start)
    {
        HashSet<string>? patches = null;
        for (var j = start; j < events.Count && CommandMatcher.IsCommandEvent(events[j].EventType); j++)
        {
            if (CommandMatcher.PatchId(events[j]) is { } id)
            {
                (patches ??= new HashSet<string>(StringComparer.Ordinal)).Add(id);
            }
        }
        return patches;
    }

    private void RunCode(HistoryEvent scheduled, bool replaying, HashSet<string>? patchesAhead, RecordedMarkers? recorded = null)
    {
        _state.BeginTask(scheduled, replaying, patchesAhead);
        _state.Recorded = recorded;
        var batch = _batch.ToArray();
        _batch.Clear();
        if (!_closed)
        {
            Execute(() =>
            {
                if (_workflow is null)
                {
                    if (_state.Started is null)
                    {
                        throw new NonDeterminismException("History does not start with WorkflowStarted.", 1);
                    }
                    _workflow = _definition.Create(); // before the first events: a signal that came with the start goes to its handler
                    _handlers.Bind(_workflow);
                }
                foreach (var e in batch)
                {
                    if (!_handlers.TryApply(e))
                    {
                        _state.Apply(e);
                    }
                }
                _run ??= StartRunAsync(_workflow, _state.Started!.Input);
            });
            ReplayLocalActivities();
            if (Close() is { } close)
            {
                _closed = true;
                IsCompleted = true;
                _state.AddCommand(close);
            }
        }
        _lastCommands = _state.TakeCommands();
        _ranAtCandidate = true;
    }

    private async Task<JsonElement?> StartRunAsync(object workflow, JsonElement? input)
    {
        await Task.Yield(); // behind the handlers of the events applied with the start, so they run first
        return await _definition.RunAsync(workflow, Context, input, _options.JsonSerializerOptions);
    }

    /// <summary>
    /// The closing command, when the run closes in this task: the run method threw (or continued as new, or was canceled),
    /// a signal handler threw, or the run method returned and no signal or update handler is still running (a run waits for
    /// its accepted updates, as in Temporal). Null while the run goes on.
    /// </summary>
    private WorkflowCommand? Close()
    {
        if (_run is { IsCompleted: true, IsCompletedSuccessfully: false } failed)
        {
            return CloseWith(ErrorOf(failed));
        }
        if (_handlers.Failure is { } handlerError)
        {
            return CloseWith(handlerError);
        }
        return _run is { IsCompletedSuccessfully: true } done && _handlers.Running == 0 ? new CompleteWorkflowCommand(done.Result) : null;
    }

    private static Exception ErrorOf(Task run)
    {
        try
        {
            run.GetAwaiter().GetResult();
            return new InvalidOperationException("unreachable");
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private WorkflowCommand CloseWith(Exception error)
    {
        return error switch
        {
            NonDeterminismException nd => throw nd,
            ContinueAsNewException can => new ContinueAsNewCommand(can.Input, _state.Signals.Unconsumed() is { Count: > 0 } signals ? signals : null),
            OperationCanceledException when _state.CancelRequested => new CancelWorkflowCommand(),
            _ => new FailWorkflowCommand(FailureInfo.FromException(error)),
        };
    }

    /// <summary>
    /// Runs <paramref name="walk"/> (the history walk, which runs the workflow code) on a workflow thread (<see cref="WorkflowThreads"/>) and watches it: when a
    /// workflow task runs longer than the deadlock timeout without yielding, the activation fails (the stuck thread is
    /// abandoned with the faulted instance). With an infinite timeout the walk runs on the calling thread.
    /// </summary>
    private void RunWatched(Action walk)
    {
        var timeout = _options.DeadlockTimeout;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            RunHere(walk);
            return;
        }
        var work = WorkflowThreads.Start(() => RunHere(walk));
        var poll = timeout < TimeSpan.FromMilliseconds(100) ? timeout : TimeSpan.FromMilliseconds(100);
        while (!work.Wait(poll))
        {
            var startedAt = Volatile.Read(ref _taskStartedAt);
            if (startedAt != 0 && Stopwatch.GetElapsedTime(startedAt) >= timeout)
            {
                _faulted = true;
                throw new NonDeterminismException(
                    $"Potential deadlock: workflow code ran for more than {timeout.TotalSeconds:0.###} s without yielding (blocking calls such as Task.Wait, .Result, Thread.Sleep or locks, or a long CPU loop). "
                    + $"Await workflow APIs instead (context.DelayAsync, context.ExecuteActivityAsync) and move long work into activities. (workflow task scheduled at event {_state.HistoryLength})",
                    _state.HistoryLength);
            }
        }
    }

    private void RunHere(Action walk)
    {
        var previous = _running;
        _running = this;
        _thread = Thread.CurrentThread;
        try
        {
            walk();
        }
        finally
        {
            _running = previous;
            _thread = null;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> as a task on this scheduler, then every task queued, until all branches wait; then (but
    /// not for a query or a validator) checks the <c>WaitConditionAsync</c> conditions and drains again, until none completes.
    /// </summary>
    private void Execute(Action work)
    {
        var root = new Task(work);
        root.Start(this);
        Drain();
        while (!_querying && root.IsCompletedSuccessfully && _escape is null && _state.Conditions.Any && CheckConditions())
        {
        }
        if (_escape is { } escaped)
        {
            Fault(escaped);
        }
        _state.ThrowIfTaskFailed();
        if (root.Exception?.InnerException is { } applyError)
        {
            if (applyError is NonDeterminismException nd)
            {
                throw nd;
            }
            throw new NonDeterminismException($"Applying history failed: {applyError.GetType().Name}: {applyError.Message}");
        }
    }

    /// <summary>Checks the conditions in a task on this scheduler (watched like workflow code), then runs what that woke.</summary>
    private bool CheckConditions()
    {
        var changed = false;
        var check = new Task(() => changed = _state.Conditions.CheckAll());
        check.Start(this);
        Drain();
        return changed;
    }

    private void Drain()
    {
        while (true)
        {
            Task? next;
            lock (_queueLock)
            {
                if (!_ready.TryDequeue(out next))
                {
                    return;
                }
            }
            Volatile.Write(ref _taskStartedAt, Stopwatch.GetTimestamp());
            TryExecuteTask(next);
            Volatile.Write(ref _taskStartedAt, 0);
            if (UnplacedContinuation)
            {
                UnplacedContinuation = false;
                ReportEscape(EscapeDetector.ConfigureAwaitMessage);
            }
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fault(string message)
    {
        _faulted = true;
        var eventId = _state.HistoryLength;
        throw new NonDeterminismException($"{message} (workflow task scheduled at event {eventId})", eventId);
    }

    /// <summary>Records that workflow code left the scheduler; the current (or next) activation fails with <paramref name="message"/>.</summary>
    internal void ReportEscape(string message) => _escape ??= message;

    private void EnsureOnScheduler(string api)
    {
        if (_querying)
        {
            // kept as well as thrown: an async API's task holds the exception, and a query that drops the task still fails
            _queryViolation ??= _readOnlyRule(api);
            throw new InvalidOperationException(_queryViolation);
        }
        if (Current != this || _running != this)
        {
            var message = $"{api} was called outside the workflow scheduler (after Task.Run, Task.Delay, ConfigureAwait(false), or from another thread). "
                + "Workflow code must only await workflow APIs (context.DelayAsync, context.ExecuteActivityAsync, ...) without ConfigureAwait(false).";
            ReportEscape(message);
            throw new InvalidOperationException(message);
        }
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task)
    {
        if (Thread.CurrentThread != _thread || _running != this)
        {
            ReportEscape("Workflow code continued on another thread (ConfigureAwait(false), Task.Delay, a real timer or a thread). "
                + "Await only workflow APIs without ConfigureAwait(false), and use context.DelayAsync for timers.");
        }
        lock (_queueLock)
        {
            _ready.Enqueue(task);
        }
    }

    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks()
    {
        lock (_queueLock)
        {
            return _ready.ToArray();
        }
    }
}
