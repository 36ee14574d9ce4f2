namespace Orchestrator.Sdk;

/// <summary>
/// Workflow code no longer matches its history (a different, missing or extra command), or it broke determinism
/// (<c>Task.Run</c>, <c>Task.Delay</c>, <c>ConfigureAwait(false)</c>, threads, blocking). The workflow task fails; the run stays open
/// and replays again once fixed code is deployed.
/// </summary>
public sealed class NonDeterminismException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What history holds and what the code did.</param>
    /// <param name="eventId">The history event where the mismatch is, when there is one.</param>
    public NonDeterminismException(string message, long? eventId = null)
        : base(message) => EventId = eventId;

    /// <summary>The history event id of the mismatch, when there is one.</summary>
    public long? EventId { get; }
}
