using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk.Tests.Simulation;

/// <summary>
/// Plays the engine for one run, in memory: assigns event ids, turns commands into events, appends results, timer firings and
/// signals, and schedules workflow tasks. Every task is answered twice, by a cached instance that gets only the new events
/// (incremental) and by a fresh instance that replays from event 1 (cold); the two must produce identical commands.
/// Local activities run as a worker runs them (EngineSimulator.LocalActivities.cs).
/// </summary>
internal sealed partial class EngineSimulator
{
    private readonly WorkflowDefinition _definition;
    private readonly WorkflowRuntimeOptions _options;
    private readonly List<HistoryEvent> _history = [];
    private WorkflowInstance? _cached;
    private int _cachedUpTo;
    private DateTimeOffset _clock = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public EngineSimulator(Type workflowType, object? input = null, long randomSeed = 42, WorkflowRuntimeOptions? options = null, bool checkCold = true)
    {
        _definition = WorkflowDefinition.Create(workflowType);
        _options = options ?? new WorkflowRuntimeOptions { DeadlockTimeout = TimeSpan.FromSeconds(10) }; // generous: shared CI machines
        CheckCold = checkCold;
        Append(EventTypes.WorkflowStarted, new WorkflowStartedAttributes(_definition.Name, "default",
            input is null ? null : JsonSerializer.SerializeToElement(input, input.GetType(), _options.JsonSerializerOptions), randomSeed));
    }

    /// <summary>Whether each task is also answered by a cold instance and compared.</summary>
    public bool CheckCold { get; set; }

    public IReadOnlyList<HistoryEvent> History => _history;

    public Dictionary<int, ActivityScheduledAttributes> OpenActivities { get; } = [];

    public Dictionary<int, TimerStartedAttributes> OpenTimers { get; } = [];

    public Dictionary<int, ChildWorkflowStartedAttributes> OpenChildren { get; } = [];

    public List<IReadOnlyList<WorkflowCommand>> CommandsPerTask { get; } = [];

    public WorkflowCommand? Closing { get; private set; }

    /// <summary>The <c>CompleteUpdate</c> commands recorded (as <c>WorkflowUpdateCompleted</c>), in order.</summary>
    public List<CompleteUpdateCommand> CompletedUpdates { get; } = [];

    /// <summary>The instance that answers the tasks incrementally (null before the first task, or after a failed one).</summary>
    public WorkflowInstance? Cached => _cached;

    public bool IsClosed => Closing is not null;

    /// <summary>The activities' implementation: name + JSON argument array → result (or throw for a failure).</summary>
    public Func<string, JsonElement, object?> Activities { get; set; } = (_, _) => null;

    public HistoryEvent Append<T>(string eventType, T attributes)
    {
        _clock = _clock.AddMilliseconds(10);
        var e = HistoryJson.CreateEvent(_history.Count + 1, eventType, _clock, attributes);
        _history.Add(e);
        return e;
    }

    public void Advance(TimeSpan time) => _clock += time;

    /// <summary>Schedules a workflow task, lets both instances answer it, compares, and appends the task's outcome.</summary>
    public IReadOnlyList<WorkflowCommand> RunTask()
    {
        var scheduled = Append(EventTypes.WorkflowTaskScheduled, new WorkflowTaskScheduledAttributes(1));
        _cached ??= NewInstance();
        var slice = _history.Skip(_cachedUpTo).ToList();
        var activation = _cached.Activate(slice);
        _cachedUpTo = (int)scheduled.EventId;
        var attempts = new Dictionary<(int Seq, int Attempt), ActivityResult>();
        activation = RunLocalActivities(_cached, activation, attempts, record: true);
        if (activation.IsTaskFailure)
        {
            throw new WorkflowTaskFailedException(activation.Failure!);
        }
        if (CheckCold)
        {
            var coldInstance = NewInstance();
            var cold = RunLocalActivities(coldInstance, coldInstance.Activate(_history.ToList()), attempts, record: false);
            Assert.Null(cold.Failure);
            Assert.Equal(HistoryJson.SerializeCommands(activation.Commands), HistoryJson.SerializeCommands(cold.Commands));
        }
        Append(EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(scheduled.EventId));
        Append(EventTypes.WorkflowTaskCompleted, new WorkflowTaskCompletedAttributes(scheduled.EventId));
        ContinueRequested = false;
        foreach (var command in activation.Commands)
        {
            AppendCommandEvent(command);
        }
        CommandsPerTask.Add(activation.Commands);
        return activation.Commands;
    }

    /// <summary>A workflow task the engine failed (e.g. it timed out): the worker discards its cached instance.</summary>
    public void FailTask()
    {
        var scheduled = Append(EventTypes.WorkflowTaskScheduled, new WorkflowTaskScheduledAttributes(1));
        Append(EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(scheduled.EventId));
        Append(EventTypes.WorkflowTaskFailed, new WorkflowTaskFailedAttributes(scheduled.EventId, new FailureInfo("TimeoutException", "workflow task timed out")));
        _cached = null;
        _cachedUpTo = 0;
    }

    public WorkflowInstance NewInstance() => new(_definition, _options, null, "wf-1", "run-1");

    private void AppendCommandEvent(WorkflowCommand command)
    {
        switch (command)
        {
            case ScheduleActivityCommand c:
                var attributes = new ActivityScheduledAttributes(c.Seq, c.ActivityName, c.Input, c.TaskQueue, c.StartToCloseTimeout, c.ScheduleToCloseTimeout, c.ScheduleToStartTimeout, c.HeartbeatTimeout, c.RetryPolicy);
                var scheduled = Append(EventTypes.ActivityScheduled, attributes);
                OpenActivities[c.Seq] = attributes;
                ScheduledIds[c.Seq] = scheduled.EventId;
                break;
            case StartTimerCommand c:
                var timer = new TimerStartedAttributes(c.Seq, c.Duration, _clock + c.Duration);
                var started = Append(EventTypes.TimerStarted, timer);
                OpenTimers[c.Seq] = timer;
                ScheduledIds[c.Seq] = started.EventId;
                break;
            case CancelTimerCommand c:
                Assert.True(OpenTimers.Remove(c.Seq), $"CancelTimer for timer {c.Seq} that is not open");
                Append(EventTypes.TimerCanceled, new TimerCanceledAttributes(c.Seq));
                break;
            case StartChildWorkflowCommand c:
                var child = new ChildWorkflowStartedAttributes(c.Seq, c.WorkflowType, c.WorkflowId, $"run-of-{c.WorkflowId}");
                Append(EventTypes.ChildWorkflowStarted, child);
                OpenChildren[c.Seq] = child;
                break;
            case RecordMarkerCommand c:
                Append(EventTypes.MarkerRecorded, new MarkerRecordedAttributes(c.MarkerName, c.Details));
                break;
            case UpsertSearchAttributesCommand c:
                Append(EventTypes.SearchAttributesUpserted, new SearchAttributesUpsertedAttributes(c.SearchAttributes));
                break;
            case CompleteUpdateCommand c:
                Append(EventTypes.WorkflowUpdateCompleted, new WorkflowUpdateCompletedAttributes(c.UpdateId, c.Result, c.Failure));
                CompletedUpdates.Add(c);
                break;
            case SignalExternalWorkflowCommand c:
                Append(EventTypes.ExternalSignalRequested, new ExternalSignalRequestedAttributes(c.Seq, c.WorkflowId, c.SignalName, c.Input));
                break;
            case RequestCancelExternalWorkflowCommand c:
                Append(EventTypes.ExternalCancelRequested, new ExternalCancelRequestedAttributes(c.Seq, c.WorkflowId, c.Reason));
                break;
            case RequestCancelActivityCommand c:
                Append(EventTypes.ActivityCancelRequested, new ActivityCancelRequestedAttributes(c.Seq, ScheduledIds.GetValueOrDefault(c.Seq)));
                break;
            case ContinueInNewTaskCommand:
                ContinueRequested = true; // no event: the next task is scheduled at once
                break;
            case CompleteWorkflowCommand c:
                Append(EventTypes.WorkflowCompleted, new WorkflowCompletedAttributes(c.Result));
                Closing = c;
                break;
            case FailWorkflowCommand c:
                Append(EventTypes.WorkflowFailed, new WorkflowFailedAttributes(c.Failure));
                Closing = c;
                break;
            case CancelWorkflowCommand c:
                Append(EventTypes.WorkflowCanceled, new WorkflowCanceledAttributes());
                Closing = c;
                break;
            case ContinueAsNewCommand c:
                Append(EventTypes.WorkflowContinuedAsNew, new WorkflowContinuedAsNewAttributes(c.Input));
                Closing = c;
                break;
            default:
                throw new InvalidOperationException($"unknown command {command}");
        }
    }

    private Dictionary<int, long> ScheduledIds { get; } = [];

    // ---- things that happen outside the workflow ----

    public void CompleteActivity(int seq)
    {
        var activity = OpenActivities[seq];
        OpenActivities.Remove(seq);
        Append(EventTypes.ActivityStarted, new ActivityStartedAttributes(seq, ScheduledIds[seq], 1));
        try
        {
            var result = Activities(activity.ActivityName, activity.Input);
            Append(EventTypes.ActivityCompleted, new ActivityCompletedAttributes(seq, ScheduledIds[seq],
                result is null ? null : JsonSerializer.SerializeToElement(result, result.GetType(), _options.JsonSerializerOptions)));
        }
        catch (Exception ex)
        {
            Append(EventTypes.ActivityFailed, new ActivityFailedAttributes(seq, ScheduledIds[seq], 3, FailureInfo.FromException(ex) with { StackTrace = null }));
        }
    }

    /// <summary>A canceled activity closed (<c>ActivityCanceled</c>: it acknowledged, its late result was dropped, or its time ran out).</summary>
    public void ActivityCanceled(int seq)
    {
        OpenActivities.Remove(seq);
        Append(EventTypes.ActivityCanceled, new ActivityCanceledAttributes(seq, ScheduledIds[seq], 1, "The activity acknowledged the cancel request."));
    }

    public void FireTimer(int seq)
    {
        OpenTimers.Remove(seq);
        Append(EventTypes.TimerFired, new TimerFiredAttributes(seq, ScheduledIds[seq]));
    }

    public void CompleteChild(int seq, object? result)
    {
        OpenChildren.Remove(seq);
        Append(EventTypes.ChildWorkflowCompleted, new ChildWorkflowCompletedAttributes(seq,
            result is null ? null : JsonSerializer.SerializeToElement(result, result.GetType(), _options.JsonSerializerOptions)));
    }

    public void FailChild(int seq, FailureInfo failure)
    {
        OpenChildren.Remove(seq);
        Append(EventTypes.ChildWorkflowFailed, new ChildWorkflowFailedAttributes(seq, failure));
    }

    public void Signal(string name, object? payload) =>
        Append(EventTypes.SignalReceived, new SignalReceivedAttributes(name,
            payload is null ? null : JsonSerializer.SerializeToElement(payload, payload.GetType(), _options.JsonSerializerOptions)));

    /// <summary>An update the engine validated and accepted: <c>WorkflowUpdateAccepted</c>, delivered like a signal.</summary>
    public void Update(string updateId, string name, object? input = null) =>
        Append(EventTypes.WorkflowUpdateAccepted, new WorkflowUpdateAcceptedAttributes(updateId, name,
            input is null ? null : JsonSerializer.SerializeToElement(input, input.GetType(), _options.JsonSerializerOptions)));

    /// <summary>The engine delivered request <paramref name="seq"/> (<c>ExternalSignalCompleted</c>, or the cancel's), or found no open run.</summary>
    public void ExternalDone(int seq, bool cancel = false, bool notFound = false)
    {
        if (notFound)
        {
            Append(cancel ? EventTypes.ExternalCancelFailed : EventTypes.ExternalSignalFailed,
                new ExternalRequestFailedAttributes(seq, new FailureInfo("WorkflowNotFound", "Workflow 'x' has no open run to signal.")));
            return;
        }
        Append(cancel ? EventTypes.ExternalCancelCompleted : EventTypes.ExternalSignalCompleted, new ExternalRequestCompletedAttributes(seq, Guid.Empty));
    }

    public void RequestCancel(string reason = "test") => Append(EventTypes.WorkflowCancelRequested, new WorkflowCancelRequestedAttributes(reason));

    /// <summary>Completes every open activity and fires every open timer, in seq order, then runs a task; until the run closes.</summary>
    public void RunToEnd(int maxTasks = 100_000)
    {
        RunTask();
        for (var i = 0; !IsClosed && i < maxTasks; i++)
        {
            if (ContinueRequested)
            {
                RunTask();
                continue;
            }
            if (OpenActivities.Count + OpenTimers.Count == 0)
            {
                throw new InvalidOperationException("The workflow waits for something the simulator cannot give (signal or child).");
            }
            foreach (var seq in OpenActivities.Keys.Order().ToList())
            {
                CompleteActivity(seq);
            }
            foreach (var seq in OpenTimers.Keys.Order().ToList())
            {
                FireTimer(seq);
            }
            RunTask();
        }
    }

    public string ToHistoryJson() => JsonSerializer.Serialize(new HistoryPage(_history), new JsonSerializerOptions(HistoryJson.Options) { WriteIndented = true });
}

internal sealed class WorkflowTaskFailedException(FailureInfo failure) : Exception($"{failure.Type}: {failure.Message}")
{
    public FailureInfo Failure { get; } = failure;
}
