namespace Orchestrator.Testing.InMemory;

/// <summary>A workflow task failed: in a test this is a bug to show, not a reason to retry forever on a virtual clock.</summary>
internal sealed class WorkflowTaskFailedInTestException(string workflowId, string failureJson)
    : Exception($"A workflow task of '{workflowId}' failed (the engine would retry it until the code is fixed): {failureJson}");
