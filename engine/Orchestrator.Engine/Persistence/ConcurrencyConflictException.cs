namespace Orchestrator.Engine.Persistence;

/// <summary>
/// Another writer appended to the run since it was read: nothing of this write landed.
/// The caller reloads the run and decides again.
/// </summary>
internal sealed class ConcurrencyConflictException(Guid runId, long expectedNextEventId)
    : Exception($"Run {runId} moved on: expected next event id {expectedNextEventId} no longer holds.")
{
    public Guid RunId { get; } = runId;

    public long ExpectedNextEventId { get; } = expectedNextEventId;
}
