using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Orchestrator.Dashboard.Security;

/// <summary>The users of <c>Orchestrator:Dashboard:Users</c>, checked against on every login (configuration reloads apply).</summary>
internal sealed class LocalUsers(IOptionsMonitor<DashboardSecurityOptions> options)
{
    /// <summary>The principal for a right user name and password; null for anything else (same time either way).</summary>
    public ClaimsPrincipal? Verify(string? userName, string? password)
    {
        password ??= "";
        if (string.IsNullOrWhiteSpace(userName) || userName.Length > 200 || password.Length > 1024)
        {
            PasswordHashing.VerifyDecoy(password);
            return null;
        }
        var name = userName.Trim();
        if (!options.CurrentValue.Users.TryGetValue(name, out var user)
            || DashboardRoles.Parse(user.Role) is not { } role
            || !PasswordHashing.IsWellFormed(user.PasswordHash))
        {
            PasswordHashing.VerifyDecoy(password);
            return null;
        }
        return PasswordHashing.Verify(user.PasswordHash!.Trim(), password)
            ? DashboardRoles.Principal(CanonicalName(name), role, CookieAuthenticationDefaults.AuthenticationScheme, "local")
            : null;
    }

    /// <summary>Whether a signed-in local user still exists with the same role (checked on every request with its cookie).</summary>
    public bool StillValid(ClaimsPrincipal principal)
    {
        var name = principal.Identity?.Name;
        return name is not null
            && options.CurrentValue.Users.TryGetValue(name, out var user)
            && DashboardRoles.Parse(user.Role) is { } role
            && principal.IsInRole(role);
    }

    private string CanonicalName(string name)
        => options.CurrentValue.Users.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) ?? name;

    /// <summary>Every problem of the configured users (empty when there is none).</summary>
    public static IReadOnlyList<string> Problems(DashboardSecurityOptions options)
    {
        var problems = new List<string>();
        foreach (var (name, user) in options.Users)
        {
            var key = $"{DashboardSecurityOptions.SectionName}:Users:{name}";
            if (string.IsNullOrWhiteSpace(name) || name.Length > 200 || name.Any(char.IsControl))
            {
                problems.Add($"{key}: a user name must be 1-200 characters without control characters.");
            }
            if (!PasswordHashing.IsWellFormed(user.PasswordHash))
            {
                problems.Add(string.IsNullOrWhiteSpace(user.PasswordHash)
                    ? $"{key}:PasswordHash is missing."
                    : $"{key}:PasswordHash is not a hash made by `hash-password`.");
            }
            if (DashboardRoles.Parse(user.Role) is null)
            {
                problems.Add($"{key}:Role must be {DashboardRoles.Viewer} or {DashboardRoles.Operator} (it is '{user.Role}').");
            }
        }
        return problems;
    }
}
