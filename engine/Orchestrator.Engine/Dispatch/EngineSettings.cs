namespace Orchestrator.Engine.Dispatch;

/// <summary>Timing settings of the dispatcher (section <c>Orchestrator:Engine</c>); defaults documented here.</summary>
internal sealed class EngineSettings
{
    /// <summary>
    /// A workflow task without an answer after this long is sent again (a new attempt). Default 10 s (as Temporal). Each
    /// overdue answer in a row doubles the next attempt's timeout, up to <see cref="MaxWorkflowTaskTimeout"/>, and a re-sent
    /// message expires from its queue after its timeout, so a backlog holds the first copy and one live re-send of a task.
    /// </summary>
    public TimeSpan WorkflowTaskTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest workflow task timeout after overdue answers in a row (see <see cref="WorkflowTaskTimeout"/>). Default 5 min.</summary>
    public TimeSpan MaxWorkflowTaskTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A dispatched workflow task whose message the broker has not confirmed after this long (the engine crashed after the
    /// commit, the send failed or timed out) is sent again, with the same attempt. Default 5 s (as the outbox sweep).
    /// </summary>
    public TimeSpan ResendUnsentWorkflowTaskAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The timeout of a workflow task attempt after <paramref name="timeouts"/> overdue answers in a row.</summary>
    public TimeSpan WorkflowTaskTimeoutAfter(int timeouts) =>
        TimeSpan.FromTicks(Math.Min(WorkflowTaskTimeout.Ticks * (1L << Math.Min(timeouts, 20)), Math.Max(MaxWorkflowTaskTimeout.Ticks, WorkflowTaskTimeout.Ticks)));

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

    /// <summary>
    /// Most worker answers one transaction applies (group commit; each to its own run). Answers that arrive while a
    /// transaction is busy wait for the next one; a lone answer goes alone. Default 64; 1 turns group commit off.
    /// </summary>
    public int GroupCommitMaxRuns { get; set; } = 64;

    /// <summary>Transactions of group commit at once (runs are spread over them by run id). Default 2.</summary>
    public int GroupCommitWriters { get; set; } = 2;

    /// <summary>
    /// How often the engine asks the broker, over a connection of its own, whether its queue still has a consumer; when
    /// the bus believes it consumes the queue and the broker has listed none for 3 checks in a row (a consumer the bus lost
    /// without noticing, as a broker restart can cause), the engine restarts its bus. Default 5 seconds; zero turns it off.
    /// </summary>
    public TimeSpan ConsumerCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a trigger remembers an event it acted on (<c>trigger_deliveries</c>): the same event (source and id)
    /// delivered again within this window does nothing; after it, it acts again. Older claims are deleted. Default 30
    /// days; zero keeps them all.
    /// </summary>
    public TimeSpan TriggerDeduplicationWindow { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How often the engine's consumer of broker events binds the events queue to the message type exchanges of MassTransit
    /// triggers (a trigger created or deleted on this engine binds at once; on other engines by this interval) and checks its
    /// connection. Default 5 seconds; zero turns the broker events consumer off (events over HTTP still work).
    /// </summary>
    public TimeSpan BrokerEventsRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>This engine process's id (in its close announcements, so it ignores its own).</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>The registered search attributes as this engine knows them (not configuration: kept current by the engine).</summary>
    internal Visibility.SearchAttributeCatalog SearchAttributes { get; } = new();

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
