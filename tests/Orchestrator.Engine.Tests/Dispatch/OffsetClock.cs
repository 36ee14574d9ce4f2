namespace Orchestrator.Engine.Tests.Dispatch;

/// <summary>The system clock moved by <paramref name="offset"/>: an engine whose clock differs from PostgreSQL's.</summary>
internal sealed class OffsetClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
