using System.Text.Json;
using Orchestrator.Contracts.Commands;

namespace Orchestrator.Contracts.History;

/// <summary>Attributes of <c>WorkflowContinuedAsNew</c>, the event of a <see cref="ContinueAsNewCommand"/>. JSON: <c>{"input"}</c>.</summary>
/// <param name="Input">The next run's input.</param>
public sealed record WorkflowContinuedAsNewAttributes(JsonElement? Input);
