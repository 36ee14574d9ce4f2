namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Wakes this engine's timer poller when a change created a timer due before the poller's next look, so a short timer
/// fires on time without a tighter poll. Timers created by another engine are found by the poller's regular look.
/// </summary>
internal sealed class TimerWakeup
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private long _nextLookTicks = long.MaxValue;

    /// <summary>The poller says when it will look next.</summary>
    public void SetNextLook(DateTime at) => Interlocked.Exchange(ref _nextLookTicks, at.Ticks);

    /// <summary>A timer due at <paramref name="fireAt"/> was committed.</summary>
    public void TimerAdded(DateTime fireAt)
    {
        if (fireAt.Ticks < Interlocked.Read(ref _nextLookTicks))
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    /// <summary>Waits for <paramref name="delay"/> or until woken.</summary>
    public Task WaitAsync(TimeSpan delay, CancellationToken ct) => _signal.WaitAsync(delay, ct);
}
