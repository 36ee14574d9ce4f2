namespace Orchestrator.Contracts.Api;

/// <summary>The 200 answer of <c>POST /api/v1/workflows/signal-with-start</c>.</summary>
/// <param name="WorkflowId">The workflow id.</param>
/// <param name="RunId">The run that got the signal.</param>
/// <param name="Started">True when the call started that run (the signal is among its first events); false when it was open.</param>
public sealed record SignalWithStartResponse(string WorkflowId, string RunId, bool Started);
