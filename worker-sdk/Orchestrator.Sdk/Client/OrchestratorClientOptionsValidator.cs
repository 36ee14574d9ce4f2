using Microsoft.Extensions.Options;

namespace Orchestrator.Sdk;

/// <summary>Rejects client options that cannot work, with a message naming the configuration key.</summary>
internal sealed class OrchestratorClientOptionsValidator : IValidateOptions<OrchestratorClientOptions>
{
    public ValidateOptionsResult Validate(string? name, OrchestratorClientOptions options)
    {
        var errors = new List<string>();
        if (options.EngineUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("Orchestrator:EngineUrl must be an absolute http(s) URL, e.g. http://127.0.0.1:5080 (environment variable Orchestrator__EngineUrl).");
        }
        if (!OrchestratorClient.IsValidApiKey(options.ApiKey))
        {
            errors.Add("Orchestrator:ApiKey may hold only visible ASCII characters (it is sent as header X-Api-Key).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
