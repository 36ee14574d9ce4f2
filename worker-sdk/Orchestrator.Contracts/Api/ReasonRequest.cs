namespace Orchestrator.Contracts.Api;

/// <summary>The body of <c>POST .../terminate</c> and <c>POST .../cancel</c> (both optional).</summary>
/// <param name="Reason">Why, recorded in history.</param>
public sealed record ReasonRequest(string? Reason = null);
