namespace Orchestrator.Sdk;

/// <summary>
/// Settings of the <see cref="OrchestratorClient"/> registered by
/// <see cref="OrchestratorClientServiceCollectionExtensions.AddOrchestratorClient(Microsoft.Extensions.DependencyInjection.IServiceCollection, Microsoft.Extensions.Configuration.IConfiguration, Action{Microsoft.Extensions.Http.Resilience.HttpStandardResilienceOptions}?)"/>,
/// bound from the <c>Orchestrator</c> configuration section: <c>Orchestrator:EngineUrl</c> and <c>Orchestrator:ApiKey</c>
/// (the engine's own key setting: one key for the engine, its workers, the dashboard and clients).
/// </summary>
public sealed class OrchestratorClientOptions
{
    /// <summary>The engine's address (<c>Orchestrator:EngineUrl</c>). Default <c>http://127.0.0.1:5080</c>.</summary>
    public Uri EngineUrl { get; set; } = new("http://127.0.0.1:5080");

    /// <summary>The engine's API key, sent as header <c>X-Api-Key</c> (<c>Orchestrator:ApiKey</c>). Default none.</summary>
    public string? ApiKey { get; set; }
}
