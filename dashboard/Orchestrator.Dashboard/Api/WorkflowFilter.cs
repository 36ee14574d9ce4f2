namespace Orchestrator.Dashboard.Api;

/// <summary>The list filters; null or empty = any. <paramref name="Query"/>: the list query language (docs/visibility.md), ANDed with the rest.</summary>
public sealed record WorkflowFilter(string? Status = null, string? WorkflowType = null, string? WorkflowIdPrefix = null, string? Query = null);
