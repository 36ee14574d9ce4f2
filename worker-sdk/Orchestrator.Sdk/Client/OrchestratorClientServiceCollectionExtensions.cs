using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Orchestrator.Sdk;

/// <summary>Registers <see cref="OrchestratorClient"/> in an application's services.</summary>
public static class OrchestratorClientServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the client uses (<c>IHttpClientFactory</c>); the worker's history fetches use it too.</summary>
    public const string HttpClientName = "Orchestrator";

    /// <summary>How long one attempt may take: above the 30 s long-poll of <see cref="OrchestratorClient.GetResultAsync{T}"/>.</summary>
    internal static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Adds <see cref="OrchestratorClient"/> as a typed client over <c>IHttpClientFactory</c>, for the engine at
    /// <c>Orchestrator:EngineUrl</c> with the key <c>Orchestrator:ApiKey</c> (<see cref="OrchestratorClientOptions"/>,
    /// validated when the host starts), behind Microsoft.Extensions.Http.Resilience's standard resilience handler.
    /// </summary>
    /// <remarks>
    /// The handler retries only safe calls: its retry strategy is limited with <c>DisableForUnsafeHttpMethods()</c>, so
    /// a POST (start, signal, cancel, terminate) is sent once and its error reaches the caller, while a GET (describe,
    /// list, history, result) is retried on 5xx, 408, 429 and connection errors with exponential back-off. A start the
    /// engine applied but whose answer was lost is therefore never sent twice. One attempt may take 60 s (the result's
    /// long-poll waits 30 s), a call with its retries 3 minutes.
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">Configuration holding the <c>Orchestrator</c> section.</param>
    /// <param name="configureResilience">Changes to the standard resilience options (retries, timeouts, circuit breaker);
    /// unsafe methods stay excluded from retries whatever it sets.</param>
    /// <returns>The HTTP client's builder, e.g. to add a handler.</returns>
    public static IHttpClientBuilder AddOrchestratorClient(this IServiceCollection services, IConfiguration configuration,
        Action<HttpStandardResilienceOptions>? configureResilience = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OrchestratorClientOptions>().Bind(configuration.GetSection("Orchestrator")).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OrchestratorClientOptions>, OrchestratorClientOptionsValidator>());
        var builder = AddHttpClient(services, configureResilience);
        builder.AddTypedClient((http, provider) =>
        {
            var options = provider.GetRequiredService<IOptions<OrchestratorClientOptions>>().Value;
            return new OrchestratorClient(options.EngineUrl, http) { ApiKey = options.ApiKey };
        });
        return builder;
    }

    /// <summary>The named <see cref="HttpClient"/> with the resilience handler, registered once however often it is asked for.</summary>
    internal static IHttpClientBuilder AddHttpClient(IServiceCollection services, Action<HttpStandardResilienceOptions>? configureResilience = null)
    {
        var builder = services.AddHttpClient(HttpClientName);
        if (services.Any(d => d.ServiceType == typeof(ResilienceRegistered)))
        {
            return builder; // a second call (client and worker both) must not stack a second handler
        }
        services.AddSingleton<ResilienceRegistered>();
        builder.ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan); // the handler's total timeout rules
        builder.AddStandardResilienceHandler(options =>
        {
            options.AttemptTimeout.Timeout = AttemptTimeout;
            options.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(3);
            options.CircuitBreaker.SamplingDuration = 2 * AttemptTimeout; // must be at least twice the attempt timeout
            configureResilience?.Invoke(options);
            options.Retry.DisableForUnsafeHttpMethods();
        });
        return builder;
    }

    /// <summary>Marks that the named client's handler is registered.</summary>
    private sealed class ResilienceRegistered;
}
