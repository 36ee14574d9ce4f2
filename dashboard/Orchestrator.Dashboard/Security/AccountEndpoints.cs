using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Orchestrator.Dashboard.Security;

/// <summary>
/// <c>POST /account/login</c> (form: user name, password, return URL), <c>POST /account/logout</c>,
/// <c>GET /account/oidc</c> (starts an OpenID Connect sign-in) and <c>GET /health</c>. Both posts need the antiforgery
/// token of the page they come from (400 without it).
/// </summary>
internal static class AccountEndpoints
{
    private const long MaxFormBytes = 16 * 1024;

    public static void MapAccountEndpoints(this WebApplication app)
    {
        // Liveness for container health checks and scripts; says nothing about runs.
        app.MapGet("/health", () => Results.Text("ok")).AllowAnonymous();

        var options = app.Services.GetRequiredService<IOptions<DashboardSecurityOptions>>().Value;
        var account = app.MapGroup("/account").AllowAnonymous();
        account.MapPost("/login", LoginAsync);
        account.MapPost("/logout", LogoutAsync);
        if (options.OidcEnabled && !options.AllowAnonymous)
        {
            account.MapGet("/oidc", (string? returnUrl) => Results.Challenge(
                new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) }, [SecuritySetup.OidcScheme]));
        }
    }

    private static async Task<IResult> LoginAsync(HttpContext context, IAntiforgery antiforgery, LocalUsers users, LoginThrottle throttle,
        IOptions<DashboardSecurityOptions> options, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AccountEndpoints));
        if (await ReadValidFormAsync(context, antiforgery, logger) is not { } form)
        {
            return Results.Problem(statusCode: 400, title: "Bad request", detail: "The form's antiforgery token is missing or wrong: reload the login page and sign in again.");
        }
        var returnUrl = SafeReturnUrl(form["returnUrl"]);
        if (!options.Value.PasswordLoginEnabled)
        {
            return Results.Redirect("/login");
        }
        var client = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (throttle.IsBlocked(client))
        {
            Log.LoginThrottled(logger, client.ToString());
            return Results.Redirect(LoginUrl("throttled", returnUrl));
        }
        var userName = form["username"].ToString();
        if (users.Verify(userName, form["password"].ToString()) is not { } principal)
        {
            throttle.RecordFailure(client);
            Log.LoginFailed(logger, userName.Length > 200 ? userName[..200] : userName, client.ToString());
            // A little time per failure on top of the hash's own cost, and the same answer for every failure.
            await Task.Delay(TimeSpan.FromMilliseconds(300 + RandomNumberGenerator.GetInt32(200)), context.RequestAborted);
            return Results.Redirect(LoginUrl("failed", returnUrl));
        }
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        Log.SignedIn(logger, principal.Identity!.Name!, DashboardRoles.RoleOf(principal), client.ToString());
        return Results.LocalRedirect(returnUrl);
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, IAntiforgery antiforgery, IOptions<DashboardSecurityOptions> options, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AccountEndpoints));
        if (await ReadValidFormAsync(context, antiforgery, logger) is null)
        {
            return Results.Problem(statusCode: 400, title: "Bad request", detail: "The form's antiforgery token is missing or wrong: reload the page and sign out again.");
        }
        if (options.Value.AllowAnonymous)
        {
            return Results.Redirect("/");
        }
        if (context.User.Identity is { IsAuthenticated: true, Name: { } name })
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            Log.SignedOut(logger, name);
        }
        return Results.Redirect("/login?signedOut=1");
    }

    /// <summary>The posted form when it is a small form with a valid antiforgery token; null otherwise.</summary>
    private static async Task<IFormCollection?> ReadValidFormAsync(HttpContext context, IAntiforgery antiforgery, ILogger logger)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxFormBytes;
        }
        try
        {
            if (context.Request.HasFormContentType && await antiforgery.IsRequestValidAsync(context))
            {
                return await context.Request.ReadFormAsync(context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is BadHttpRequestException or InvalidDataException or IOException)
        {
        }
        Log.AntiforgeryFailed(logger, context.Request.Method, context.Request.Path);
        return null;
    }

    private static string LoginUrl(string flag, string returnUrl)
        => $"/login?{flag}=1" + (returnUrl == "/" ? "" : "&returnUrl=" + Uri.EscapeDataString(returnUrl));

    /// <summary>A path on this site (<c>/...</c>, not <c>//host</c> or <c>/\host</c>), else <c>/</c>.</summary>
    internal static string SafeReturnUrl(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > 2000 || url[0] != '/' || url.Any(char.IsControl))
        {
            return "/";
        }
        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\'))
        {
            return "/";
        }
        return url;
    }
}
