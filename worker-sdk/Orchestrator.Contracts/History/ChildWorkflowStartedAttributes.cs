using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>ChildWorkflowStarted</c>, the event of a <see cref="StartChildWorkflowCommand"/>. JSON: <c>{"seq","workflowType","workflowId","runId"}</c>.</summary>
/// <param name="Seq">The child's sequence number in the parent.</param>
/// <param name="WorkflowType">The child's workflow type.</param>
/// <param name="WorkflowId">The child's workflow id.</param>
/// <param name="RunId">The child run's id.</param>
public sealed record ChildWorkflowStartedAttributes(int Seq, string WorkflowType, string WorkflowId, string RunId);
