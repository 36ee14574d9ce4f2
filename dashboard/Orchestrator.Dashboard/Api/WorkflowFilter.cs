namespace Orchestrator.Dashboard.Api;

/// <summary>
/// The list filters; null or empty = any. <paramref name="Query"/>: the list query language (docs/visibility.md), ANDed with the rest;
/// <paramref name="StartedAfter"/> and <paramref name="StartedBefore"/> (a time range of the list) are sent as <c>StartTime &gt; '...'</c>
/// and <c>StartTime &lt; '...'</c> in the query (<see cref="ListQuery"/>).
/// </summary>
public sealed record WorkflowFilter(string? Status = null, string? WorkflowType = null, string? WorkflowIdPrefix = null, string? Query = null,
    DateTimeOffset? StartedAfter = null, DateTimeOffset? StartedBefore = null);
