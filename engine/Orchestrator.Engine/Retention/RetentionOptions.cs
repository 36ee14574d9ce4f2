namespace Orchestrator.Engine.Retention;

/// <summary>
/// How long closed runs are kept, and how fast the engine deletes the older ones (section <c>Orchestrator:Retention</c>,
/// bound as <see cref="EngineOptions.Retention"/>); defaults documented here and in docs/visibility.md.
/// </summary>
internal sealed class RetentionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = EngineOptions.Section + ":Retention";

    /// <summary>Longest <see cref="ClosedRuns"/> (100 years): a longer one is a mistake, and would leave the calendar.</summary>
    public static readonly TimeSpan MaxClosedRuns = TimeSpan.FromDays(36_500);

    /// <summary>
    /// A closed run is deleted, with its history and every other row of it, once it has been closed this long
    /// (<c>Orchestrator:Retention:ClosedRuns</c>). Default 30 days; zero keeps every run.
    /// </summary>
    public TimeSpan ClosedRuns { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Most runs one transaction deletes (<c>Orchestrator:Retention:BatchSize</c>). Default 1,000 (about 100 ms of PostgreSQL CPU: <c>./bench.sh --only retention</c> measures 0.1 ms per run of 11 events).</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>How often an engine looks for runs to delete (<c>Orchestrator:Retention:Interval</c>). Default 1 minute.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The pause between two batches of one sweep (<c>Orchestrator:Retention:BatchPause</c>), so that a backlog of due runs is
    /// deleted beside the workflows, not instead of them. Default 50 ms: <c>./bench.sh --only retention</c> on 2 cores deleted
    /// 5,875 runs/s beside one-activity workflows at an unchanged rate (100 ms: 4,063 runs/s); zero deletes as fast as PostgreSQL can.
    /// </summary>
    public TimeSpan BatchPause { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Whether runs are ever deleted.</summary>
    public bool Enabled => ClosedRuns > TimeSpan.Zero;

    /// <summary>What is wrong with these settings, each naming its key (empty when nothing).</summary>
    public IReadOnlyList<string> Check()
    {
        var errors = new List<string>();
        if (ClosedRuns < TimeSpan.Zero || ClosedRuns > MaxClosedRuns)
        {
            errors.Add($"{Section}:ClosedRuns must be between 00:00:00 (keep every run) and {MaxClosedRuns.Days}.00:00:00, not {ClosedRuns}.");
        }
        if (BatchSize is < 1 or > 10_000)
        {
            errors.Add($"{Section}:BatchSize must be between 1 and 10000, not {BatchSize}.");
        }
        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromDays(1))
        {
            errors.Add($"{Section}:Interval must be between 00:00:01 and 1.00:00:00, not {Interval}.");
        }
        if (BatchPause < TimeSpan.Zero || BatchPause > TimeSpan.FromMinutes(1))
        {
            errors.Add($"{Section}:BatchPause must be between 00:00:00 and 00:01:00, not {BatchPause}.");
        }
        return errors;
    }
}
