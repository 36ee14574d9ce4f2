using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Decider;

/// <summary>
/// What the decider knows of a run: the rows the shell read and locked for the trigger. Nothing here is read lazily.
/// </summary>
internal sealed record RunSnapshot
{
    public required WorkflowRunRecord Run { get; init; }

    /// <summary>The run's workflow task row (null once the run closed).</summary>
    public WorkflowTaskRow? Task { get; init; }

    /// <summary>The activity row an activity trigger is for (null when it is gone: closed, or never existed).</summary>
    public ActivityTaskRow? Activity { get; init; }

    /// <summary>The events buffered while a workflow task was in flight, in arrival order (when the trigger needs them).</summary>
    public IReadOnlyList<BufferedEventRow> Buffered { get; init; } = [];

    /// <summary>With <see cref="SnapshotNeeds.Tail"/>: the stored events since the idle workflow task's <c>events_from</c>, bounded.</summary>
    public IReadOnlyList<StoredEvent>? Tail { get; init; }

    /// <summary>With <see cref="SnapshotNeeds.DueTimers"/>: the run's timers due by now (taken: gone unless re-created).</summary>
    public IReadOnlyList<TimerTaken> DueTimers { get; init; } = [];

    /// <summary>Of the workflow ids the trigger's commands would start as children, those that have an open run.</summary>
    public IReadOnlySet<string> OpenWorkflowIds { get; init; } = new HashSet<string>();

    /// <summary>For children started with an id reuse policy: the status of their id's latest run, when there is one.</summary>
    public IReadOnlyDictionary<string, string> LatestRunStatuses { get; init; } = new Dictionary<string, string>();

    /// <summary>The rows (locked) of the activities the trigger's commands cancel that are still open (<c>RequestCancelActivity</c>).</summary>
    public IReadOnlyList<ActivityTaskRow> CanceledActivities { get; init; } = [];

    /// <summary>For <see cref="ChildClosedTrigger"/>: the child's row, locked after the parent's (null when it does not exist).</summary>
    public WorkflowRunRecord? Child { get; init; }
}

/// <summary>
/// What a decision may use besides the snapshot: the time (the engine's clock, read once by the shell), the settings, and
/// the sources of new run ids, random seeds and retry jitter (so a test decides the same way twice).
/// </summary>
internal sealed class DecisionContext(DateTime now, EngineSettings settings, Func<Guid>? newRunId = null, Func<long>? newSeed = null,
    Func<double>? jitter = null)
{
    public DateTime Now { get; } = now;

    public EngineSettings Settings { get; } = settings;

    public Guid NewRunId() => newRunId is null ? Guid.CreateVersion7() : newRunId();

    public long NewRandomSeed() => newSeed is null ? Random.Shared.NextInt64() : newSeed();

    /// <summary>A number in [0, 1) for a retry's full jitter.</summary>
    public double NextJitter() => jitter is null ? Random.Shared.NextDouble() : jitter();

    /// <summary>The registered search attributes when the decision began (an upsert of another name is an invalid command).</summary>
    public IReadOnlyDictionary<string, Contracts.Api.SearchAttributeType> SearchAttributeTypes { get; } = settings.SearchAttributes.Current;
}
