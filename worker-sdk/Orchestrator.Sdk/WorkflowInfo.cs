namespace Orchestrator.Sdk;

/// <summary>What a run's history says about it (<see cref="WorkflowContext.Info"/>): replay-safe, read from its <c>WorkflowStarted</c> event.</summary>
public sealed record WorkflowInfo
{
    /// <summary>The workflow id.</summary>
    public required string WorkflowId { get; init; }

    /// <summary>The id of this run.</summary>
    public required string RunId { get; init; }

    /// <summary>The workflow type name.</summary>
    public required string WorkflowType { get; init; }

    /// <summary>The task queue of this run's workflow tasks.</summary>
    public required string TaskQueue { get; init; }

    /// <summary>The attempt of this run (1 unless a workflow retry policy started it again).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>When the run started (the timestamp of its <c>WorkflowStarted</c> event).</summary>
    public DateTimeOffset StartTime { get; init; }

    /// <summary>The parent's workflow id when started as a child; else null.</summary>
    public string? ParentWorkflowId { get; init; }

    /// <summary>The parent's run id when started as a child; else null.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>The schedule that started this run; else null.</summary>
    public string? ScheduleId { get; init; }

    /// <summary>The scheduled time this run was started for (without jitter), when a schedule started it; else null.</summary>
    public DateTimeOffset? ScheduledTime { get; init; }
}
