namespace Orchestrator.Contracts.Api;

/// <summary>A workflow a schedule started that is still running.</summary>
/// <param name="WorkflowId">Its workflow id.</param>
/// <param name="RunId">Its open run.</param>
public sealed record ScheduleRunningWorkflow(string WorkflowId, string RunId);
