namespace Orchestrator.Engine.Batches;

/// <summary>
/// Spaces a batch's actions at most <c>perSecond</c> a second. After a stall (PostgreSQL away, a run lock waited for) it
/// catches up at most one second's worth at once, so a batch never bursts above its rate for long.
/// </summary>
internal sealed class BatchPacer(int perSecond, TimeProvider clock)
{
    private long _start = clock.GetTimestamp();
    private long _count;

    /// <summary>How long to wait before the next action.</summary>
    public TimeSpan Wait()
    {
        var due = TimeSpan.FromSeconds((double)_count / perSecond);
        var elapsed = clock.GetElapsedTime(_start);
        if (elapsed - due > TimeSpan.FromSeconds(1))
        {
            // behind by more than a second: forget the debt beyond one second's worth
            _start = clock.GetTimestamp() - (long)((due.TotalSeconds + 1) * clock.TimestampFrequency);
            return TimeSpan.Zero;
        }
        return due > elapsed ? due - elapsed : TimeSpan.Zero;
    }

    /// <summary><paramref name="actions"/> actions were taken.</summary>
    public void Acted(int actions) => _count += actions;
}
