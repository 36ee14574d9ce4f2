namespace Orchestrator.Contracts.Api;

/// <summary>The signature an event over HTTP must carry for a trigger to take it.</summary>
/// <param name="SecretRef">
/// Where the engine reads the HMAC-SHA256 secret: <c>file:/run/secrets/shop-hook</c> (the file's content, trailing line
/// break left off) or <c>env:SHOP_HOOK_SECRET</c> (an environment variable of the engine). The secret itself is never
/// stored or shown. Callers send <c>X-Orchestrator-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>.
/// </param>
public sealed record TriggerWebhook(string SecretRef);
