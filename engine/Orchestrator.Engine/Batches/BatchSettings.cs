namespace Orchestrator.Engine.Batches;

/// <summary>Settings of batch operations (section <c>Orchestrator:Batches</c>); defaults documented here.</summary>
internal sealed class BatchSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Orchestrator:Batches";

    /// <summary>The rate of a batch that names none, in runs per second. Default 50 (as Temporal's batcher).</summary>
    public int DefaultMaxPerSecond { get; set; } = 50;

    /// <summary>The highest rate a batch may ask for, in runs per second. Default 1000.</summary>
    public int MaxPerSecondLimit { get; set; } = 1000;

    /// <summary>Most runs one batch may target; a query matching more is refused (400) and nothing is created. Default 1,000,000.</summary>
    public long MaxRuns { get; set; } = 1_000_000;

    /// <summary>
    /// How long an engine's lease on a batch lasts without being renewed (each item renews it). When an engine dies, another
    /// (or the same one restarted) goes on with its batches after this. Default 15 s.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often an engine looks for batches to work (a batch created on this engine starts at once). Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most batches one engine works at once (each at its own rate). Default 4.</summary>
    public int MaxConcurrentBatches { get; set; } = 4;

    /// <summary>How often an item whose action throws (not a PostgreSQL outage) is tried before it is counted failed. Default 5.</summary>
    public int ItemAttempts { get; set; } = 5;

    /// <summary>The settings of <paramref name="configuration"/>'s section, checked.</summary>
    /// <exception cref="InvalidOperationException">a value out of range, named.</exception>
    public static BatchSettings Bind(IConfiguration configuration)
    {
        var settings = configuration.GetSection(Section).Get<BatchSettings>() ?? new BatchSettings();
        var errors = settings.Check();
        return errors.Count == 0 ? settings : throw new InvalidOperationException($"{Section}: {string.Join(" ", errors)}");
    }

    public IReadOnlyList<string> Check()
    {
        var errors = new List<string>();
        if (MaxPerSecondLimit < 1)
        {
            errors.Add("MaxPerSecondLimit must be at least 1.");
        }
        if (DefaultMaxPerSecond < 1 || DefaultMaxPerSecond > MaxPerSecondLimit)
        {
            errors.Add($"DefaultMaxPerSecond must be between 1 and MaxPerSecondLimit ({MaxPerSecondLimit}).");
        }
        if (MaxRuns < 1)
        {
            errors.Add("MaxRuns must be at least 1.");
        }
        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            errors.Add("LeaseDuration must be at least 00:00:01.");
        }
        if (PollInterval <= TimeSpan.Zero || PollInterval > LeaseDuration)
        {
            errors.Add("PollInterval must be positive and at most LeaseDuration.");
        }
        if (MaxConcurrentBatches < 1)
        {
            errors.Add("MaxConcurrentBatches must be at least 1.");
        }
        if (ItemAttempts < 1)
        {
            errors.Add("ItemAttempts must be at least 1.");
        }
        return errors;
    }
}
