namespace Orchestrator.Engine.Dispatch;

/// <summary>Timing settings of the dispatcher (section <c>Orchestrator:Engine</c>); defaults documented here.</summary>
internal sealed class EngineSettings
{
    /// <summary>A workflow task without an answer after this long is sent again. Default 10 s (as Temporal).</summary>
    public TimeSpan WorkflowTaskTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Limit of one activity attempt when the workflow gave no StartToCloseTimeout. Default 5 min.</summary>
    public TimeSpan DefaultStartToCloseTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest back-off between failed workflow task attempts. Default 60 s.</summary>
    public TimeSpan MaxWorkflowTaskRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the sweeper looks for due tasks left by a lost message or a crashed engine. Default 1 s.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most due items of each kind (workflow tasks, activities, runs with timers) one sweeper look takes. Default 200.</summary>
    public int SweepBatchSize { get; set; } = 200;

    /// <summary>
    /// How often a waiting <c>GET .../result</c> reads the run again. Closes are announced (PostgreSQL NOTIFY) to every
    /// engine, so this only matters while an engine's listening connection is down. Default 2 s.
    /// </summary>
    public TimeSpan ResultRereadInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>This engine process's id (in its close announcements, so it ignores its own).</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>Longest sleep of the timer poller. Default 200 ms.</summary>
    public TimeSpan TimerPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The engine's clock: every due time it writes (task deadlines, retry back-offs, timers) and every "is it due?" it asks,
    /// in its queries too, so a PostgreSQL server whose clock differs cannot make a loop spin. Not configuration: tests set it.
    /// </summary>
    internal TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>Now by <see cref="Clock"/>, in whole microseconds (what PostgreSQL keeps, so events read back compare equal).</summary>
    internal DateTime UtcNow()
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
    }
}
