namespace Orchestrator.Contracts.Api;

/// <summary>A trigger as <c>GET /api/v1/triggers/{id}</c> (and the list) shows it: its definition, defaults filled in, and its counters.</summary>
/// <param name="TriggerId">The trigger id.</param>
/// <param name="Source">Which events it takes.</param>
/// <param name="Action">What each event does.</param>
/// <param name="Webhook">The signature it requires over HTTP, if any.</param>
/// <param name="Stats">What its events did.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it was last replaced.</param>
public sealed record TriggerDescription(
    string TriggerId,
    TriggerSource Source,
    TriggerAction Action,
    TriggerWebhook? Webhook,
    TriggerStats Stats,
    DateTime CreatedAt,
    DateTime UpdatedAt);
