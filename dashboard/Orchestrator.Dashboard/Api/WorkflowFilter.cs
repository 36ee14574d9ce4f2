namespace Orchestrator.Dashboard.Api;

/// <summary>The list filters; null or empty = any.</summary>
public sealed record WorkflowFilter(string? Status = null, string? WorkflowType = null, string? WorkflowIdPrefix = null);
