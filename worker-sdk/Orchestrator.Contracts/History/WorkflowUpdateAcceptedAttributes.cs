using System.Text.Json;

namespace Orchestrator.Contracts.History;

/// <summary>
/// Attributes of <c>WorkflowUpdateAccepted</c>: an update passed its validator and the run takes it (the workflow code's
/// update handler starts when this event is applied, as a signal's handler does). JSON: <c>{"updateId","name","input"}</c>.
/// </summary>
/// <param name="UpdateId">The update's id (unique within the workflow id: the same id is applied once).</param>
/// <param name="Name">The update's name (the <c>[WorkflowUpdate]</c> method).</param>
/// <param name="Input">The update's argument (any JSON value, or null).</param>
public sealed record WorkflowUpdateAcceptedAttributes(string UpdateId, string Name, JsonElement? Input);
