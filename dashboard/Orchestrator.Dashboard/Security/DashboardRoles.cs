using System.Security.Claims;

namespace Orchestrator.Dashboard.Security;

/// <summary>The dashboard's two roles and its authorization policies.</summary>
internal static class DashboardRoles
{
    /// <summary>Reads runs and their histories.</summary>
    public const string Viewer = "Viewer";

    /// <summary>Everything a viewer does, plus signal, cancel and terminate.</summary>
    public const string Operator = "Operator";

    /// <summary>Policy: signed in with either role (the fallback policy of every page and the circuit).</summary>
    public const string AnyRolePolicy = "dashboard-user";

    /// <summary>Policy: signed in as an operator (every action on a run).</summary>
    public const string OperatorPolicy = "dashboard-operator";

    /// <summary>The role's canonical spelling, or null for anything else.</summary>
    public static string? Parse(string? role)
        => string.Equals(role?.Trim(), Viewer, StringComparison.OrdinalIgnoreCase) ? Viewer
            : string.Equals(role?.Trim(), Operator, StringComparison.OrdinalIgnoreCase) ? Operator
            : null;

    public static bool IsOperator(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && user.IsInRole(Operator);

    /// <summary>"Operator", "Viewer", or "no role".</summary>
    public static string RoleOf(ClaimsPrincipal user)
        => user.IsInRole(Operator) ? Operator : user.IsInRole(Viewer) ? Viewer : "no role";

    /// <summary>A principal of the cookie scheme: a name and one role (or none), nothing else.</summary>
    public static ClaimsPrincipal Principal(string name, string? role, string authenticationType, string source)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(SourceClaim, source) };
        if (role is not null)
        {
            claims.Add(new Claim(ClaimTypes.Role, role));
        }
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>Where a sign-in came from: <c>local</c>, <c>oidc</c> or <c>anonymous</c>.</summary>
    public const string SourceClaim = "orchestrator:source";
}
