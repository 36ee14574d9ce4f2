using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>ChildWorkflowFailed</c> (the child failed, was canceled, terminated or timed out). JSON: <c>{"seq","failure"}</c>.</summary>
/// <param name="Seq">The child's sequence number in the parent.</param>
/// <param name="Failure">Why the child did not complete.</param>
public sealed record ChildWorkflowFailedAttributes(int Seq, FailureInfo Failure);
