using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// The replayed state of one run: the seq counter, what the code waits for, buffered signals, cancellation, patches,
/// and the commands of the workflow task being run. Only touched on the instance's scheduler thread.
/// </summary>
internal sealed partial class WorkflowState
{
    private readonly Action<string> _ensureOnScheduler;
    private readonly Dictionary<int, PendingOperation> _pending = [];
    private long _waitOrder;
    private readonly Dictionary<string, bool> _patchDecisions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _patchesInHistory = new(StringComparer.Ordinal);
    private List<WorkflowCommand> _commands = [];
    private HashSet<string>? _patchesAhead;
    private int _nextSeq = 1;
    private Random? _guidRandom;

    public WorkflowState(JsonSerializerOptions json, Action<string> ensureOnScheduler)
    {
        Json = json;
        _ensureOnScheduler = ensureOnScheduler;
        Signals = new SignalWaiters(this);
        Conditions = new ConditionWaiters(this);
    }

    /// <summary>Buffered signals and the code's <c>WaitForSignalAsync</c> waits.</summary>
    public SignalWaiters Signals { get; }

    /// <summary>The code's <c>WaitConditionAsync</c> waits.</summary>
    public ConditionWaiters Conditions { get; }

    /// <summary>Whether the workflow has a <c>[WorkflowSignal]</c> handler of this name (its signals are never buffered).</summary>
    public Func<string, bool> HasSignalHandler { get; init; } = _ => false;

    public JsonSerializerOptions Json { get; }

    public WorkflowStartedAttributes? Started { get; private set; }

    public Random Random { get; private set; } = new(0);

    public CancellationTokenSource Cancellation { get; } = new();

    public bool CancelRequested { get; private set; }

    public bool IsReplaying { get; private set; }

    public DateTimeOffset UtcNow { get; private set; }

    public long HistoryLength { get; private set; }

    /// <summary>When the run started: the timestamp of its <c>WorkflowStarted</c> event.</summary>
    public DateTimeOffset StartTime { get; private set; }

    public void Start(WorkflowStartedAttributes started, DateTimeOffset startTime = default)
    {
        Started = started;
        StartTime = startTime;
        foreach (var (name, value) in started.SearchAttributes ?? new Dictionary<string, JsonElement>())
        {
            _searchAttributes[name] = value;
        }
        var seed = started.RandomSeed;
        Random = new Random(unchecked((int)(seed ^ (seed >>> 32))));
        _guidRandom = new Random(unchecked((int)(seed ^ (seed >>> 32)) ^ 0x5bd1e995));
    }

    /// <summary>Prepares for running the code of the workflow task scheduled by <paramref name="scheduled"/>.</summary>
    public void BeginTask(HistoryEvent scheduled, bool replaying, HashSet<string>? patchesAhead)
    {
        UtcNow = scheduled.Timestamp;
        HistoryLength = scheduled.EventId;
        IsReplaying = replaying;
        _patchesAhead = patchesAhead;
        _commands = [];
    }

    public List<WorkflowCommand> TakeCommands()
    {
        var commands = _commands;
        _commands = [];
        return commands;
    }

    public void AddCommand(WorkflowCommand command) => _commands.Add(command);

    /// <summary>A patch marker history holds (matched or skipped): later <c>Patched</c> calls of that id return true.</summary>
    public void NotePatchMarker(string patchId) => _patchesInHistory.Add(patchId);

    // ---- applying history events (all events of a task, in order, before the code runs) ----

    public void Apply(HistoryEvent e)
    {
        if (e.EventType is EventTypes.ActivityStarted or EventTypes.ActivityAttemptFailed)
        {
            return; // the most frequent events with nothing to apply: their attributes are never parsed
        }
        if (e.EventType == EventTypes.ActivityCompleted)
        {
            // read unparsed: only the result becomes a document of its own
            if (RawAttributes.Int(e, "seq"u8) is { } seq && _pending.Remove(seq, out var done))
            {
                done.Registration.Dispose();
                done.Completion?.TrySetResult(RawAttributes.Json(e, "result"u8));
            }
            return;
        }
        var a = e.Attributes;
        switch (e.EventType)
        {
            case EventTypes.ActivityFailed:
                if (TakePending(a) is { } failed)
                {
                    var failure = ReadFailure(a) ?? new FailureInfo("Exception", "The activity failed.");
                    failed.Completion?.TrySetException(new ActivityFailedException(failed.Name, failure.Type, CommandMatcher.Int(a, "attempt") ?? 0, failure.Message));
                }
                break;
            case EventTypes.ActivityTimedOut:
                if (TakePending(a) is { } timedOut)
                {
                    var failure = ReadFailure(a);
                    var timeoutType = CommandMatcher.Str(a, "timeoutType") ?? "StartToClose";
                    var message = $"Activity '{timedOut.Name}' timed out ({timeoutType})" + (failure is null ? "." : $": {failure.Message}");
                    timedOut.Completion?.TrySetException(new ActivityFailedException(timedOut.Name, failure?.Type ?? "ActivityTimedOut", 0, message));
                }
                break;
            case EventTypes.TimerFired:
                if (TakePending(a) is { } timer)
                {
                    if (timer.OnFired is { } onFired)
                    {
                        onFired();
                    }
                    else
                    {
                        timer.Completion?.TrySetResult(null);
                    }
                }
                break;
            case EventTypes.ChildWorkflowCompleted:
                if (TakePending(a) is { } child)
                {
                    child.Completion?.TrySetResult(CommandMatcher.Json(a, "result"));
                }
                break;
            case EventTypes.ChildWorkflowFailed:
                if (TakePending(a) is { } failedChild)
                {
                    var failure = ReadFailure(a) ?? new FailureInfo("Exception", "The child workflow failed.");
                    if (failedChild.CanceledBy.IsCancellationRequested && failure.Type == ChildCanceledFailureType)
                    {
                        failedChild.Completion?.TrySetCanceled(failedChild.CanceledBy); // WaitCancellationCompleted: the child closed Canceled
                        break;
                    }
                    failedChild.Completion?.TrySetException(new ChildWorkflowFailedException(failedChild.Name, failedChild.WorkflowId ?? "", failure));
                }
                break;
            case EventTypes.SignalReceived:
                Signals.Deliver(CommandMatcher.Str(a, "signalName") ?? "", CommandMatcher.Json(a, "input"));
                break;
            case EventTypes.WorkflowCancelRequested:
                RequestCancel();
                break;
            case EventTypes.ActivityCanceled:
                if (TakePending(a) is { } canceled)
                {
                    canceled.Completion?.TrySetCanceled(canceled.CanceledBy);
                }
                break;
            case EventTypes.ExternalSignalCompleted or EventTypes.ExternalSignalFailed or EventTypes.ExternalCancelCompleted or EventTypes.ExternalCancelFailed:
                ApplyExternalOutcome(e, a);
                break;
            default:
                break; // ActivityStarted, closing events, future event types: nothing to do
        }
    }

    private PendingOperation? TakePending(JsonElement attributes)
    {
        if (CommandMatcher.Int(attributes, "seq") is { } seq && _pending.Remove(seq, out var op))
        {
            op.Registration.Dispose();
            return op;
        }
        return null;
    }

    private FailureInfo? ReadFailure(JsonElement attributes) =>
        CommandMatcher.Json(attributes, "failure") is { } f ? f.Deserialize<FailureInfo>(HistoryJson.Options) : null;

    private void RequestCancel()
    {
        if (CancelRequested)
        {
            return;
        }
        CancelRequested = true;
        var token = Cancellation.Token;
        var operations = _pending.Values.OrderBy(op => op.Seq).ToList();
        _pending.Clear();
        foreach (var op in operations)
        {
            if (op.Kind == OperationKind.Timer)
            {
                AddCommand(new CancelTimerCommand(op.Seq));
            }
            op.Completion?.TrySetCanceled(token);
        }
        Signals.CancelAll(token);
        Conditions.CancelAll(token);
        Cancellation.Cancel();
    }

    // ---- what workflow code calls (through WorkflowContext) ----

    public Task<JsonElement?> ScheduleActivity(string activityName, JsonElement arguments, ActivityOptions? options, CodeLocation site = default)
    {
        _ensureOnScheduler("ExecuteActivityAsync");
        if (options is { CancellationToken.IsCancellationRequested: true })
        {
            return Task.FromCanceled<JsonElement?>(options.CancellationToken);
        }
        var seq = _nextSeq++;
        AddCommand(new ScheduleActivityCommand(
            seq,
            activityName,
            arguments,
            options?.TaskQueue,
            options?.StartToCloseTimeout,
            options?.ScheduleToCloseTimeout,
            options?.ScheduleToStartTimeout,
            options?.HeartbeatTimeout,
            options?.RetryPolicy?.ToInfo()));
        var op = new PendingOperation(seq, OperationKind.Activity, activityName) { Completion = new TaskCompletionSource<JsonElement?>(), Site = site, Order = NextWaitOrder() };
        _pending.Add(seq, op);
        if (options is { CancellationToken.CanBeCanceled: true })
        {
            op.Registration = options.CancellationToken.Register(() => CancelActivity(op, options.CancellationType, options.CancellationToken));
        }
        return op.Completion.Task;
    }

    public Task StartTimer(TimeSpan duration, CancellationToken cancellationToken, CodeLocation site = default)
    {
        _ensureOnScheduler("DelayAsync");
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        var seq = _nextSeq++;
        AddCommand(new StartTimerCommand(seq, duration));
        var op = new PendingOperation(seq, OperationKind.Timer, "timer")
        {
            Completion = new TaskCompletionSource<JsonElement?>(), Site = site, Order = NextWaitOrder(), DueAt = UtcNow + duration,
        };
        _pending.Add(seq, op);
        if (cancellationToken.CanBeCanceled)
        {
            op.Registration = cancellationToken.Register(() =>
            {
                _ensureOnScheduler("cancelling DelayAsync");
                if (_pending.Remove(seq))
                {
                    AddCommand(new CancelTimerCommand(seq));
                    op.Completion.TrySetCanceled(cancellationToken);
                }
            });
        }
        return op.Completion.Task;
    }

    public Task<JsonElement?> StartChildWorkflow(string workflowType, JsonElement? input, ChildWorkflowOptions? options, CodeLocation site = default)
    {
        _ensureOnScheduler("ExecuteChildWorkflowAsync");
        if (options is { CancellationToken.IsCancellationRequested: true })
        {
            return Task.FromCanceled<JsonElement?>(options.CancellationToken);
        }
        var seq = _nextSeq++;
        var workflowId = options?.WorkflowId ?? $"{WorkflowIdForChildren}-child-{seq}";
        AddCommand(new StartChildWorkflowCommand(seq, workflowType, workflowId, options?.TaskQueue, input, (options?.ParentClosePolicy ?? ParentClosePolicy.Terminate).ToString(),
            options?.RunTimeout, options?.ExecutionTimeout, options?.RetryPolicy?.ToInfo(),
            options is { IdReusePolicy: not Contracts.Api.WorkflowIdReusePolicy.AllowDuplicate } ? options.IdReusePolicy.ToString() : null));
        var op = new PendingOperation(seq, OperationKind.ChildWorkflow, workflowType, workflowId)
        {
            Completion = new TaskCompletionSource<JsonElement?>(), Site = site, Order = NextWaitOrder(),
        };
        _pending.Add(seq, op);
        if (options is { CancellationToken.CanBeCanceled: true })
        {
            op.Registration = options.CancellationToken.Register(() => CancelChild(op, options.CancellationType, options.CancellationToken));
        }
        return op.Completion.Task;
    }

    public string WorkflowIdForChildren { get; set; } = "workflow";

    /// <summary>Starts the timeout timer of a wait: <paramref name="onFired"/> runs when it fires (unless canceled first); returns its seq.</summary>
    public int StartTimeout(TimeSpan limit, string name, Action onFired)
    {
        var seq = _nextSeq++;
        AddCommand(new StartTimerCommand(seq, limit));
        _pending.Add(seq, new PendingOperation(seq, OperationKind.Timer, name) { OnFired = onFired, DueAt = UtcNow + limit });
        return seq;
    }

    /// <summary>When timer <paramref name="seq"/> fires, while it is pending.</summary>
    public DateTimeOffset? DueAt(int? seq) => seq is { } s && _pending.TryGetValue(s, out var timer) ? timer.DueAt : null;

    /// <summary>The next number of the order in which waits begin (<c>__stack_trace</c> lists them in that order).</summary>
    public long NextWaitOrder() => _waitOrder++;

    /// <summary>The activities, timers and children the code waits on (a wait's timeout timer is part of its wait).</summary>
    public void AddWaits(List<WorkflowWaits.Entry> entries)
    {
        foreach (var op in _pending.Values)
        {
            if (op.OnFired is not null)
            {
                continue;
            }
            var kind = op.Kind switch
            {
                OperationKind.Activity => "activity",
                OperationKind.Timer => "timer",
                OperationKind.ExternalSignal => "signalExternal",
                OperationKind.ExternalCancel => "cancelExternal",
                OperationKind.LocalActivity => "localActivity",
                _ => "child",
            };
            entries.Add(new(op.Order, new WorkflowWait(kind, op.Name, op.Seq, op.DueAt, op.Site.Location, op.WorkflowId)));
        }
    }

    /// <summary>Cancels the timeout timer <paramref name="seq"/> (a <c>CancelTimer</c> command) unless it fired or was canceled already.</summary>
    public void CancelTimeout(int seq)
    {
        if (_pending.Remove(seq))
        {
            AddCommand(new CancelTimerCommand(seq));
        }
    }

    public bool Patched(string patchId)
    {
        _ensureOnScheduler("Patched");
        ArgumentException.ThrowIfNullOrEmpty(patchId);
        if (_patchDecisions.TryGetValue(patchId, out var decided))
        {
            return decided;
        }
        bool patched;
        if (!IsReplaying)
        {
            patched = true;
        }
        else
        {
            patched = _patchesInHistory.Contains(patchId) || (_patchesAhead?.Contains(patchId) ?? false);
        }
        _patchDecisions[patchId] = patched;
        if (patched && !_patchesInHistory.Contains(patchId))
        {
            AddCommand(new RecordMarkerCommand(CommandMatcher.PatchMarkerName, JsonSerializer.SerializeToElement(new { patchId }, HistoryJson.Options)));
        }
        return patched;
    }

    private readonly Dictionary<string, JsonElement> _searchAttributes = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, JsonElement> SearchAttributes => _searchAttributes;

    /// <summary>Records an upsert: the values as JSON (times in UTC), the command sent with the task's answer (matched on replay).</summary>
    public void UpsertSearchAttributes(IReadOnlyDictionary<string, object?> values)
    {
        var json = new Dictionary<string, JsonElement?>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            JsonElement? element = value switch
            {
                null => null,
                DateTimeOffset t => JsonSerializer.SerializeToElement(t.ToUniversalTime(), Json),
                DateTime t => JsonSerializer.SerializeToElement(new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : t.ToUniversalTime()), Json),
                _ => JsonSerializer.SerializeToElement(value, value.GetType(), Json),
            };
            json[name] = element;
            if (element is { } e)
            {
                _searchAttributes[name] = e;
            }
            else
            {
                _searchAttributes.Remove(name);
            }
        }
        AddCommand(new UpsertSearchAttributesCommand(json));
    }

    public Guid NewGuid()
    {
        _ensureOnScheduler("NewGuid");
        Span<byte> bytes = stackalloc byte[16];
        (_guidRandom ?? Random).NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    public void EnsureOnScheduler(string api) => _ensureOnScheduler(api);
}
