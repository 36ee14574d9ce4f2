using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Orchestrator.Dashboard.Security;

/// <summary>
/// Counts failed password logins per client IP address in fixed one-minute windows; once a window holds
/// <see cref="DashboardSecurityOptions.FailedLoginsPerMinute"/> failures, every login from that address is refused
/// until the window ends (a right password too). Successful logins cost nothing.
/// </summary>
internal sealed class LoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> failures;

    public LoginThrottle(IOptions<DashboardSecurityOptions> options)
    {
        var limit = Math.Max(1, options.Value.FailedLoginsPerMinute);
        failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Whether <paramref name="client"/> used up its failures for this window.</summary>
    public bool IsBlocked(IPAddress client)
    {
        using var probe = failures.AttemptAcquire(client, 0);
        return !probe.IsAcquired;
    }

    /// <summary>Counts one failed login of <paramref name="client"/>.</summary>
    public void RecordFailure(IPAddress client)
    {
        using var lease = failures.AttemptAcquire(client, 1);
    }

    public void Dispose() => failures.Dispose();
}
