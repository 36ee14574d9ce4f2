using Orchestrator.Contracts.Api;

namespace Orchestrator.Dashboard.Api;

/// <summary>The answer to a reset: <see cref="Answer"/> as for every action and, when the engine made the new run (201), that run.</summary>
public sealed record ResetResult(ActionResult Answer, ResetWorkflowResponse? NewRun = null);
