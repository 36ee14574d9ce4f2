using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orchestrator.Dashboard.Security;

namespace Orchestrator.Dashboard.Tests;

/// <summary>Password hashes, the configured users, the start-up checks, the login throttle, return URLs and OIDC role mapping.</summary>
public sealed class SecurityTests
{
    private static readonly string AnaHash = PasswordHashing.Hash("ana-password");

    [Fact]
    public void PasswordHash_RightPasswordVerifies_WrongDoesNot_SaltedEachTime()
    {
        var hash = PasswordHashing.Hash("correct horse");

        Assert.True(PasswordHashing.IsWellFormed(hash));
        Assert.True(PasswordHashing.Verify(hash, "correct horse"));
        Assert.False(PasswordHashing.Verify(hash, "correct hors"));
        Assert.False(PasswordHashing.Verify(hash, "Correct horse"));
        Assert.NotEqual(hash, PasswordHashing.Hash("correct horse"));
        Assert.StartsWith("AQAAAAIAAYag", hash, StringComparison.Ordinal); // format 3, HMAC-SHA512, 100,000 iterations
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("secret-in-plain-text")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // base64, wrong format byte
    [InlineData("AQ==")]
    public void PasswordHash_NotMadeByHashPassword_IsNotWellFormed(string hash)
        => Assert.False(PasswordHashing.IsWellFormed(hash));

    [Fact]
    public void LocalUsers_RightPassword_GivesNameAndRole_AnyCaseOfTheName()
    {
        var users = Users(("Ana", AnaHash, "operator"), ("bob", AnaHash, "Viewer"));

        var ana = users.Verify("ANA", "ana-password");
        var bob = users.Verify(" bob ", "ana-password");

        Assert.Equal("Ana", ana?.Identity?.Name);
        Assert.True(ana!.IsInRole(DashboardRoles.Operator));
        Assert.False(ana.IsInRole(DashboardRoles.Viewer));
        Assert.True(bob!.IsInRole(DashboardRoles.Viewer));
        Assert.False(DashboardRoles.IsOperator(bob));
    }

    [Theory]
    [InlineData("Ana", "wrong")]
    [InlineData("Ana", "")]
    [InlineData("Ana", null)]
    [InlineData("nobody", "ana-password")]
    [InlineData("", "ana-password")]
    [InlineData(null, "ana-password")]
    [InlineData("eve", "ana-password")] // configured with a role that does not exist
    public void LocalUsers_WrongUserOrPassword_GivesNothing(string? user, string? password)
        => Assert.Null(Users(("Ana", AnaHash, "Operator"), ("eve", AnaHash, "Admin")).Verify(user, password));

    [Fact]
    public void LocalUsers_RoleChangedOrUserRemoved_SessionNoLongerValid()
    {
        var options = new DashboardSecurityOptions();
        options.Users["ana"] = new DashboardUserOptions { PasswordHash = AnaHash, Role = "Operator" };
        var users = new LocalUsers(new FixedMonitor(options));
        var principal = users.Verify("ana", "ana-password")!;
        Assert.True(users.StillValid(principal));

        options.Users["ana"].Role = "Viewer";
        Assert.False(users.StillValid(principal));

        options.Users.Clear();
        Assert.False(users.StillValid(principal));
    }

    [Fact]
    public void Configuration_UsersFromEnvironmentStyleKeys_AreBoundAndUsable()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:Dashboard:Users:Ana:PasswordHash"] = AnaHash,
            ["Orchestrator:Dashboard:Users:Ana:Role"] = "Operator",
            ["Orchestrator:Dashboard:Oidc:Authority"] = "https://login.example.com/realms/ops",
            ["Orchestrator:Dashboard:Oidc:ClientId"] = "dashboard",
            ["Orchestrator:Dashboard:Oidc:RoleClaim"] = "groups",
        }).Build();

        var options = configuration.GetSection(DashboardSecurityOptions.SectionName).Get<DashboardSecurityOptions>()!;

        Assert.Empty(SecuritySetup.Problems(options));
        Assert.True(options.PasswordLoginEnabled);
        Assert.True(options.OidcEnabled);
        Assert.Equal("groups", options.Oidc.RoleClaim);
        Assert.Equal("orchestrator-operator", options.Oidc.OperatorRole);
        Assert.NotNull(new LocalUsers(new FixedMonitor(options)).Verify("ana", "ana-password"));
    }

    [Fact]
    public void Problems_NoUsersNoOidc_RefusesToStartAndSaysWhatToSet()
    {
        var problem = Assert.Single(SecuritySetup.Problems(new DashboardSecurityOptions()));

        Assert.Contains("no login configured", problem, StringComparison.Ordinal);
        Assert.Contains("Orchestrator__Dashboard__Users__<name>__PasswordHash", problem, StringComparison.Ordinal);
        Assert.Contains("hash-password", problem, StringComparison.Ordinal);
        Assert.Contains("AllowAnonymous=true", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_AllowAnonymousAlone_IsAccepted_ButNotBesideUsers()
    {
        Assert.Empty(SecuritySetup.Problems(new DashboardSecurityOptions { AllowAnonymous = true }));

        var both = new DashboardSecurityOptions { AllowAnonymous = true };
        both.Users["ana"] = new DashboardUserOptions { PasswordHash = AnaHash, Role = "Operator" };
        Assert.Contains(SecuritySetup.Problems(both), p => p.Contains("choose one", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_BadUsersAndIncompleteOidc_AreEachNamed()
    {
        var options = new DashboardSecurityOptions { Oidc = { Authority = "http://idp.local" } };
        options.Users["plain"] = new DashboardUserOptions { PasswordHash = "hunter22", Role = "Operator" };
        options.Users["nohash"] = new DashboardUserOptions { Role = "Viewer" };
        options.Users["admin"] = new DashboardUserOptions { PasswordHash = AnaHash, Role = "Admin" };

        var problems = SecuritySetup.Problems(options);

        Assert.Contains(problems, p => p.Contains("Users:plain:PasswordHash is not a hash", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Users:nohash:PasswordHash is missing", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Users:admin:Role must be Viewer or Operator", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Oidc:Authority is http", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Oidc:ClientId is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Throttle_AfterTheAllowedFailures_BlocksThatAddressOnly()
    {
        using var throttle = new LoginThrottle(Options.Create(new DashboardSecurityOptions { FailedLoginsPerMinute = 2 }));
        var attacker = IPAddress.Parse("203.0.113.7");
        var other = IPAddress.Parse("203.0.113.8");

        Assert.False(throttle.IsBlocked(attacker));
        throttle.RecordFailure(attacker);
        Assert.False(throttle.IsBlocked(attacker));
        throttle.RecordFailure(attacker);

        Assert.True(throttle.IsBlocked(attacker));
        Assert.True(throttle.IsBlocked(attacker)); // asking does not use anything up, nor free anything
        Assert.False(throttle.IsBlocked(other));
    }

    [Theory]
    [InlineData("/workflows/a?runId=1", "/workflows/a?runId=1")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("workflows/a", "/")]
    [InlineData("/a\r\nSet-Cookie: x=y", "/")]
    public void ReturnUrl_OnlyPathsOnThisSite(string? given, string expected)
        => Assert.Equal(expected, AccountEndpoints.SafeReturnUrl(given));

    [Fact]
    public void Oidc_RoleClaimValues_MapToTheDashboardRole_OperatorFirst()
    {
        var options = new OidcOptions { RoleClaim = "groups", OperatorRole = "ops", ViewerRole = "devs" };

        var both = OidcRoles.Map(External(("preferred_username", "ana"), ("groups", "devs"), ("groups", "ops")), options);
        var viewer = OidcRoles.Map(External(("name", "Bob B"), ("groups", "[\"devs\",\"sales\"]")), options);
        var none = OidcRoles.Map(External(("sub", "42"), ("groups", "sales"), ("roles", "ops")), options);

        Assert.Equal("ana", both.Identity?.Name);
        Assert.Equal(DashboardRoles.Operator, DashboardRoles.RoleOf(both));
        Assert.Equal("Bob B", viewer.Identity?.Name);
        Assert.Equal(DashboardRoles.Viewer, DashboardRoles.RoleOf(viewer));
        Assert.Equal("42", none.Identity?.Name);
        Assert.Equal("no role", DashboardRoles.RoleOf(none));
        Assert.True(none.Identity?.IsAuthenticated);
    }

    private static LocalUsers Users(params (string Name, string Hash, string Role)[] users)
    {
        var options = new DashboardSecurityOptions();
        foreach (var (name, hash, role) in users)
        {
            options.Users[name] = new DashboardUserOptions { PasswordHash = hash, Role = role };
        }
        return new LocalUsers(new FixedMonitor(options));
    }

    private static ClaimsPrincipal External(params (string Type, string Value)[] claims)
        => new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "oidc"));

    private sealed class FixedMonitor(DashboardSecurityOptions value) : IOptionsMonitor<DashboardSecurityOptions>
    {
        public DashboardSecurityOptions CurrentValue => value;

        public DashboardSecurityOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<DashboardSecurityOptions, string?> listener) => null;
    }
}
