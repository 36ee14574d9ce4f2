using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Orchestrator.Dashboard.Security;

/// <summary>
/// The signed-in user of a circuit, checked again every minute: a local user removed from the configuration, or given
/// another role, is signed out of open pages too (their actions are refused from then on), not only at the next request.
/// </summary>
internal sealed class RevalidatingUserState(ILoggerFactory loggers, LocalUsers users) : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
        => Task.FromResult(authenticationState.User.FindFirst(DashboardRoles.SourceClaim)?.Value != "local" || users.StillValid(authenticationState.User));
}
