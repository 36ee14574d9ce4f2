namespace Orchestrator.Contracts.Api;

/// <summary>The body of <c>POST /api/v1/triggers</c> and <c>PUT /api/v1/triggers/{id}</c>: which events, and what they do.</summary>
/// <param name="TriggerId">The trigger id (letters, digits, '.', '_', '-', ':'). Required on create; on PUT, absent or the path's id.</param>
/// <param name="Source">Which events it takes. Required.</param>
/// <param name="Action">What each event does. Required.</param>
/// <param name="Webhook">Set to require a signature on events that come over HTTP.</param>
public sealed record TriggerDefinition(
    string? TriggerId,
    TriggerSource? Source,
    TriggerAction? Action,
    TriggerWebhook? Webhook = null);
