namespace Orchestrator.Engine.Visibility.Query;

/// <summary>A list query that cannot be parsed or compiled: where (0-based offset in the query) and what was expected there.</summary>
internal sealed class QueryException(int position, string message, string? expected = null) : Exception(message)
{
    public int Position { get; } = position;

    /// <summary>What would have been valid at <see cref="Position"/> (e.g. "an operator"), when known.</summary>
    public string? Expected { get; } = expected;
}
