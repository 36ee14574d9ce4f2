using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Orchestrator.Engine.Api;

/// <summary>Options of the <see cref="ApiKeyAuthentication.Scheme"/> scheme.</summary>
internal sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The key callers must send (<c>Orchestrator:ApiKey</c>); null: the scheme authenticates nobody.</summary>
    public string? ApiKey { get; set; }
}

/// <summary>
/// Authenticates a request whose header <c>X-Api-Key</c> holds the configured key. Compares SHA-256 digests in constant
/// time, so neither the key's content nor its length shows in the answer time. Challenges with 401 and forbids with 403,
/// both as problem+json.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (string.IsNullOrEmpty(Options.ApiKey) || !Request.Headers.TryGetValue(ApiKeyAuthentication.Header, out var values))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (values.Count != 1 || !Matches(values[0], Options.ApiKey))
        {
            return Task.FromResult(AuthenticateResult.Fail($"The {ApiKeyAuthentication.Header} header does not hold the engine's API key."));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "api-key")], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var sent = Request.Headers.ContainsKey(ApiKeyAuthentication.Header);
        Response.Headers.WWWAuthenticate = $"{ApiKeyAuthentication.Scheme} header=\"{ApiKeyAuthentication.Header}\"";
        await Results.Problem(
            sent
                ? $"The {ApiKeyAuthentication.Header} header does not hold the engine's API key."
                : $"This call needs header {ApiKeyAuthentication.Header} with the engine's API key (Orchestrator:ApiKey).",
            statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(Context);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Results.Problem("The API key is valid but does not allow this call.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden")
            .ExecuteAsync(Context);

    private static bool Matches(string? sent, string key) =>
        sent is not null && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(sent)), SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
