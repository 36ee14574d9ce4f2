using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Orchestrator.Dashboard.Security;

/// <summary>
/// <c>Orchestrator:Dashboard:AllowAnonymous=true</c> (local development): every request is signed in as
/// <c>anonymous</c> with the operator role, so the same policies apply and nothing is asked.
/// </summary>
internal sealed class AnonymousOperatorHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "anonymous";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        => Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(
            DashboardRoles.Principal("anonymous", DashboardRoles.Operator, SchemeName, SchemeName), SchemeName)));
}
