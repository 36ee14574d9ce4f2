using System.Text.Json;

namespace Orchestrator.Contracts.Api;

/// <summary>The answer of <c>POST /api/v1/workflows/{workflowId}/queries/{queryName}</c>.</summary>
/// <param name="Result">What the query method returned, as JSON (null for null).</param>
public sealed record WorkflowQueryResponse(JsonElement? Result);
