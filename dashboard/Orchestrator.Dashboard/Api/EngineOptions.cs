namespace Orchestrator.Dashboard.Api;

/// <summary>Where the engine's REST API is (<c>Orchestrator:EngineUrl</c>) and the key it may require (<c>Orchestrator:ApiKey</c>).</summary>
internal sealed class EngineOptions
{
    public const string SectionName = "Orchestrator";

    /// <summary>The engine's base URL. Default <c>http://127.0.0.1:5080</c>.</summary>
    public string EngineUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Sent as <c>X-Api-Key</c> on every call when set. Default none.</summary>
    public string? ApiKey { get; set; }
}
