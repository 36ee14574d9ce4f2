using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.Dashboard.Security;

/// <summary>
/// Authentication (a cookie after a password login or OpenID Connect; or the anonymous operator of
/// <c>AllowAnonymous</c>) and authorization (every endpoint needs a user with a role, actions need the operator role).
/// </summary>
internal static class SecuritySetup
{
    public const string OidcScheme = OpenIdConnectDefaults.AuthenticationScheme;
    public const string CookieName = "orchestrator-dashboard";

    /// <summary>Registers everything; returns what keeps the dashboard from starting (empty when nothing does).</summary>
    public static IReadOnlyList<string> AddDashboardSecurity(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(DashboardSecurityOptions.SectionName);
        var options = section.Get<DashboardSecurityOptions>() ?? new DashboardSecurityOptions();
        var problems = Problems(options);
        if (problems.Count > 0)
        {
            return problems;
        }
        var services = builder.Services;
        services.Configure<DashboardSecurityOptions>(section);
        services.AddSingleton<LocalUsers>();
        services.AddSingleton<LoginThrottle>();
        services.AddCascadingAuthenticationState();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingUserState>();
        services.AddAuthorizationBuilder()
            .AddPolicy(DashboardRoles.AnyRolePolicy, p => p.RequireAuthenticatedUser().RequireRole(DashboardRoles.Viewer, DashboardRoles.Operator))
            .AddPolicy(DashboardRoles.OperatorPolicy, p => p.RequireAuthenticatedUser().RequireRole(DashboardRoles.Operator))
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser().RequireRole(DashboardRoles.Viewer, DashboardRoles.Operator).Build());

        if (options.AllowAnonymous)
        {
            services.AddAuthentication(AnonymousOperatorHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, AnonymousOperatorHandler>(AnonymousOperatorHandler.SchemeName, null);
            return [];
        }

        var authentication = services.AddAuthentication(o =>
        {
            o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.DefaultChallengeScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        });
        authentication.AddCookie(o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/denied";
            o.ExpireTimeSpan = options.SessionLifetime;
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = RevokeRemovedLocalUsersAsync;
        });
        if (options.OidcEnabled)
        {
            var oidc = options.Oidc;
            authentication.AddOpenIdConnect(OidcScheme, o =>
            {
                o.Authority = oidc.Authority;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = string.IsNullOrEmpty(oidc.ClientSecret) ? null : oidc.ClientSecret;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
                o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.MapInboundClaims = false;
                o.GetClaimsFromUserInfoEndpoint = true;
                o.SaveTokens = false;
                o.Scope.Clear();
                foreach (var scope in oidc.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    o.Scope.Add(scope);
                }
                // Keep only a name and the mapped role in the dashboard's cookie.
                o.Events.OnTicketReceived = context =>
                {
                    if (context.Principal is { } external)
                    {
                        context.Principal = OidcRoles.Map(external, oidc);
                    }
                    return Task.CompletedTask;
                };
            });
        }
        return [];
    }

    private static async Task RevokeRemovedLocalUsersAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is { } principal && principal.FindFirst(DashboardRoles.SourceClaim)?.Value == "local"
            && !context.HttpContext.RequestServices.GetRequiredService<LocalUsers>().StillValid(principal))
        {
            Log.SessionRevoked(context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SecuritySetup)), principal.Identity?.Name ?? "?");
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    /// <summary>Why this configuration may not start: no way to sign in, bad users, incomplete OpenID Connect.</summary>
    internal static List<string> Problems(DashboardSecurityOptions options)
    {
        var problems = new List<string>(LocalUsers.Problems(options));
        var section = DashboardSecurityOptions.SectionName;
        if (options.OidcEnabled)
        {
            if (!Uri.TryCreate(options.Oidc.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                problems.Add($"{section}:Oidc:Authority must be an absolute http(s) URL (it is '{options.Oidc.Authority}').");
            }
            else if (authority.Scheme == "http" && options.Oidc.RequireHttpsMetadata)
            {
                problems.Add($"{section}:Oidc:Authority is http: use https, or set {section}:Oidc:RequireHttpsMetadata=false for a test identity provider.");
            }
            if (string.IsNullOrWhiteSpace(options.Oidc.ClientId))
            {
                problems.Add($"{section}:Oidc:ClientId is missing.");
            }
            if (string.IsNullOrWhiteSpace(options.Oidc.RoleClaim) || string.IsNullOrWhiteSpace(options.Oidc.OperatorRole) || string.IsNullOrWhiteSpace(options.Oidc.ViewerRole))
            {
                problems.Add($"{section}:Oidc:RoleClaim, OperatorRole and ViewerRole must not be empty.");
            }
        }
        if (options.AllowAnonymous && (options.PasswordLoginEnabled || options.OidcEnabled))
        {
            problems.Add($"{section}:AllowAnonymous=true together with users or OpenID Connect: choose one (AllowAnonymous turns every login off).");
        }
        if (!options.AllowAnonymous && !options.PasswordLoginEnabled && !options.OidcEnabled)
        {
            problems.Add(
                "The dashboard has no login configured, and it holds the engine's key: anyone who reaches it could terminate any run. Configure one of:\n" +
                $"  - users: {section}:Users:<name>:PasswordHash (make one with `dotnet Orchestrator.Dashboard.dll hash-password`, or `dotnet run --project dashboard/Orchestrator.Dashboard -- hash-password`) and {section}:Users:<name>:Role (Viewer or Operator);\n" +
                $"    as environment variables: Orchestrator__Dashboard__Users__<name>__PasswordHash and Orchestrator__Dashboard__Users__<name>__Role\n" +
                $"  - OpenID Connect: {section}:Oidc:Authority, {section}:Oidc:ClientId (and ClientSecret)\n" +
                $"  - or, for local development only, {section}:AllowAnonymous=true (no login; everyone is an operator).");
        }
        if (options.FailedLoginsPerMinute < 1)
        {
            problems.Add($"{section}:FailedLoginsPerMinute must be at least 1.");
        }
        if (options.SessionLifetime <= TimeSpan.Zero)
        {
            problems.Add($"{section}:SessionLifetime must be positive.");
        }
        return problems;
    }
}
