namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>WorkflowTimedOut</c> (the run exceeded its time limit; no workflow code runs). JSON: <c>{}</c>.</summary>
public sealed record WorkflowTimedOutAttributes;
