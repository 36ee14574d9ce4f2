using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Orchestrator.Dashboard.Security;

/// <summary>Turns an OpenID Connect user into a dashboard principal: a name and the role its role claim maps to (or none).</summary>
internal static class OidcRoles
{
    public static ClaimsPrincipal Map(ClaimsPrincipal external, OidcOptions options)
    {
        var name = First(external, "preferred_username") ?? First(external, "name") ?? First(external, "email")
            ?? First(external, "sub") ?? "unknown";
        var values = RoleValues(external, options.RoleClaim).ToHashSet(StringComparer.Ordinal);
        var role = values.Contains(options.OperatorRole) ? DashboardRoles.Operator
            : values.Contains(options.ViewerRole) ? DashboardRoles.Viewer
            : null;
        return DashboardRoles.Principal(name, role, CookieAuthenticationDefaults.AuthenticationScheme, "oidc");
    }

    /// <summary>Every value of the claim: one claim per value, or one claim holding a JSON array.</summary>
    internal static IEnumerable<string> RoleValues(ClaimsPrincipal external, string claimType)
    {
        foreach (var claim in external.FindAll(claimType))
        {
            var value = claim.Value.Trim();
            if (value.StartsWith('['))
            {
                string[]? array = null;
                try
                {
                    array = JsonSerializer.Deserialize<string[]>(value);
                }
                catch (JsonException)
                {
                }
                foreach (var item in array ?? [])
                {
                    yield return item;
                }
            }
            else
            {
                yield return value;
            }
        }
    }

    private static string? First(ClaimsPrincipal principal, string type)
        => principal.FindFirst(type)?.Value is { Length: > 0 } value ? value : null;
}
