namespace Orchestrator.Dashboard.History;

/// <summary>What a timeline row shows.</summary>
internal enum TimelineKind { Workflow, Activity, Timer, Signal, Child }

/// <summary>How a bar ended (its colour).</summary>
internal enum TimelineOutcome { Open, Completed, Failed, Retried, TimedOut, Canceled, Fired, Received }

/// <summary>
/// One bar: <see cref="Start"/> (scheduled) to <see cref="Started"/> (picked up, the "queued" part) to
/// <see cref="End"/> (closed; for an open bar, the timeline's end). A point (signal) has <see cref="End"/> = <see cref="Start"/>.
/// </summary>
internal sealed record TimelineBar(DateTimeOffset Start, DateTimeOffset? Started, DateTimeOffset End, TimelineOutcome Outcome, string Title);

/// <summary>One row: a label and its bar. <see cref="EventId"/> is the event that opened it.</summary>
internal sealed record TimelineRow(TimelineKind Kind, string Label, long EventId, TimelineBar Bar);

/// <summary>The timeline of a run: rows in the order their first event happened, on a scale from <see cref="Start"/> to <see cref="End"/>.</summary>
internal sealed record TimelineModel(DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<TimelineRow> Rows)
{
    public TimeSpan Span => End - Start > TimeSpan.Zero ? End - Start : TimeSpan.FromMilliseconds(1);

    /// <summary>Position of <paramref name="time"/> on the scale, 0 to 100.</summary>
    public double Percent(DateTimeOffset time) => Math.Clamp((time - Start) / Span * 100, 0, 100);
}
