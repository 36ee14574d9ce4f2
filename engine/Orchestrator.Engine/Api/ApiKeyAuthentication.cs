using Microsoft.AspNetCore.Authorization;

namespace Orchestrator.Engine.Api;

/// <summary>
/// Who may call the engine over HTTP. With <c>Orchestrator:ApiKey</c> set, everything is denied (fallback policy: an
/// authenticated caller) unless it says otherwise: the REST API and the OpenAPI document need the key, only
/// <c>/health/ready</c> is anonymous. Paths are matched by the router after Kestrel decoded and normalised them, so no
/// spelling of a path (case, doubled slashes, percent-encoding, dot segments) reaches an endpoint without the policy,
/// and a path no endpoint matches is refused too. Without a key the API is open, as before, and the engine says so at start.
/// </summary>
internal static class ApiKeyAuthentication
{
    /// <summary>The authentication scheme (also the <c>WWW-Authenticate</c> challenge).</summary>
    public const string Scheme = "ApiKey";

    /// <summary>The request header holding the key.</summary>
    public const string Header = "X-Api-Key";

    /// <summary>The policy of the REST API and the OpenAPI document.</summary>
    public const string Policy = "OrchestratorApi";

    public static IServiceCollection AddApiKeyAuthentication(this IServiceCollection services, EngineOptions options)
    {
        services.AddAuthentication(Scheme).AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(Scheme, o => o.ApiKey = options.ApiKey);
        services.AddAuthorization(o =>
        {
            if (options.RequiresApiKey)
            {
                var keyed = new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build();
                o.AddPolicy(Policy, keyed);
                o.FallbackPolicy = keyed; // default deny: whatever does not name a policy or AllowAnonymous needs the key
            }
            else
            {
                o.AddPolicy(Policy, p => p.RequireAssertion(_ => true)); // no key configured: open, as documented
            }
        });
        return services;
    }

    /// <summary>Authentication and authorization in the pipeline; warns when the API is open or the key is short.</summary>
    public static WebApplication UseApiKeyAuthentication(this WebApplication app, EngineOptions options)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiKeyAuthentication).FullName!);
        if (!options.RequiresApiKey)
        {
            Log.ApiOpen(logger);
        }
        else if (options.ApiKey!.Length < 16)
        {
            Log.ApiKeyShort(logger, options.ApiKey.Length);
        }
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
