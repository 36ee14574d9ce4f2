namespace Orchestrator.Dashboard.Security;

/// <summary>
/// Who may use the dashboard (<c>Orchestrator:Dashboard</c>): users with password hashes, OpenID Connect, or, for local
/// development only, nobody asked at all. With none of them the dashboard refuses to start.
/// </summary>
internal sealed class DashboardSecurityOptions
{
    public const string SectionName = "Orchestrator:Dashboard";

    /// <summary>Local users by name (<c>Users:&lt;name&gt;:PasswordHash</c>, <c>Users:&lt;name&gt;:Role</c>). Default none.</summary>
    public Dictionary<string, DashboardUserOptions> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>OpenID Connect sign-in; used when <see cref="OidcOptions.Authority"/> is set.</summary>
    public OidcOptions Oidc { get; set; } = new();

    /// <summary>
    /// <c>true</c>: no login at all, everyone who reaches the dashboard acts as an operator. For local development only.
    /// Default <c>false</c>.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Failed password logins allowed per client IP address per minute before further attempts are refused. Default 5.</summary>
    public int FailedLoginsPerMinute { get; set; } = 5;

    /// <summary>How long a login lasts without use (sliding). Default 8 hours.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    public bool OidcEnabled => !string.IsNullOrWhiteSpace(Oidc.Authority);

    public bool PasswordLoginEnabled => Users.Count > 0;
}

/// <summary>One local user: a password hash made by <c>hash-password</c> and a role (<c>Viewer</c> or <c>Operator</c>).</summary>
internal sealed class DashboardUserOptions
{
    public string? PasswordHash { get; set; }

    public string? Role { get; set; }
}

/// <summary>OpenID Connect (authorization code flow with PKCE), when <see cref="Authority"/> is set.</summary>
internal sealed class OidcOptions
{
    /// <summary>The issuer, e.g. <c>https://login.example.com/realms/ops</c>; its discovery document is read from there.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Space-separated scopes to ask for. Default <c>openid profile</c>.</summary>
    public string Scopes { get; set; } = "openid profile";

    /// <summary>The claim (in the ID token or from the user-info endpoint) that carries the user's roles or groups. Default <c>roles</c>.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The value of <see cref="RoleClaim"/> that makes a user an operator. Default <c>orchestrator-operator</c>.</summary>
    public string OperatorRole { get; set; } = "orchestrator-operator";

    /// <summary>The value of <see cref="RoleClaim"/> that makes a user a viewer. Default <c>orchestrator-viewer</c>.</summary>
    public string ViewerRole { get; set; } = "orchestrator-viewer";

    /// <summary>What the login page's button says. Default <c>single sign-on</c>.</summary>
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary>Whether the discovery document must be fetched over HTTPS. Default <c>true</c>; <c>false</c> only for a test IdP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}
