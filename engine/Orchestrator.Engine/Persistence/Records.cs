namespace Orchestrator.Engine.Persistence;

/// <summary>An event to append: its id is given by the store.</summary>
internal sealed record NewEvent(string EventType, string AttributesJson, DateTimeOffset Timestamp);

/// <summary>A stored event as read back (attributes are the exact JSON text written).</summary>
internal sealed record StoredEvent(long EventId, string EventType, DateTimeOffset Timestamp, string AttributesJson);

/// <summary>A row of <c>history_events</c> as Dapper reads it (<c>timestamptz</c> comes back as a UTC <see cref="DateTime"/>).</summary>
internal sealed record StoredEventRow(long EventId, string EventType, DateTime Timestamp, string AttributesJson)
{
    public StoredEvent ToEvent() => new(EventId, EventType, new DateTimeOffset(Timestamp, TimeSpan.Zero), AttributesJson);
}

/// <summary>A workflow run row.</summary>
internal sealed record WorkflowRunRecord
{
    public required Guid RunId { get; init; }
    public required string WorkflowId { get; init; }
    public required string WorkflowType { get; init; }
    public required string TaskQueue { get; init; }
    public required string Status { get; init; }
    public string? Input { get; init; }
    public string? Result { get; init; }
    public string? Failure { get; init; }
    public required DateTime StartedAt { get; init; }
    public DateTime? ClosedAt { get; init; }
    public Guid? PreviousRunId { get; init; }
    public Guid? NextRunId { get; init; }
    public string? ParentWorkflowId { get; init; }
    public Guid? ParentRunId { get; init; }
    public string? TraceParent { get; init; }
    public bool CancelRequested { get; init; }
    public int? ParentSeq { get; init; }
    public string? ParentClosePolicy { get; init; }
    public bool ParentNotified { get; init; }
    public TimeSpan? RunTimeout { get; init; }

    /// <summary>A child's ExecutionTimeout: when the whole execution ends (retries and continue-as-new included); null = never.</summary>
    public DateTime? ExecutionDeadline { get; init; }
    public string? RetryPolicy { get; init; }
    public int Attempt { get; init; } = 1;
    public long NextEventId { get; init; } = 1;

    /// <summary>The run's search attributes as stored (a JSON object), null when it has none.</summary>
    public string? SearchAttributes { get; init; }

    /// <summary>The run this one was reset from (<c>POST .../reset</c>), if any.</summary>
    public Guid? ResetFromRunId { get; init; }

    /// <summary>The run this one was last reset into, if any.</summary>
    public Guid? ResetToRunId { get; init; }
}

/// <summary>Run statuses as stored and as the API shows them.</summary>
internal static class RunStatus
{
    public const string Running = nameof(Running);
    public const string Completed = nameof(Completed);
    public const string Failed = nameof(Failed);
    public const string Canceled = nameof(Canceled);
    public const string Terminated = nameof(Terminated);
    public const string ContinuedAsNew = nameof(ContinuedAsNew);
    public const string TimedOut = nameof(TimedOut);
}
