using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>
/// Attributes of <c>WorkflowUpdateCompleted</c>, the event of a <see cref="CompleteUpdateCommand"/>: the update handler
/// returned (<paramref name="Result"/>) or threw (<paramref name="Failure"/>). JSON: <c>{"updateId","result","failure"}</c>.
/// </summary>
/// <param name="UpdateId">The update's id.</param>
/// <param name="Result">The handler's result (any JSON value, or null), when it returned.</param>
/// <param name="Failure">What the handler threw, when it failed.</param>
public sealed record WorkflowUpdateCompletedAttributes(string UpdateId, JsonElement? Result, FailureInfo? Failure = null);
