namespace Orchestrator.Tests;

/// <summary>
/// Every asynchronous test bounds its own run time (<c>[Fact(Timeout = ...)]</c>), so a hang fails that test, with its
/// name, instead of the whole run waiting for <c>--blame-hang-timeout</c>. Linked into every test project by
/// tests/Directory.Build.props. Synchronous tests (pure unit tests without I/O) are left to the blame timeout: xunit 2
/// bounds only asynchronous ones.
/// </summary>
internal static class TestTimeouts
{
    /// <summary>Unit tests (SDK, dashboard components): seconds at most.</summary>
    public const int Unit = 60_000;

    /// <summary>Tests against PostgreSQL and RabbitMQ in process (engine stores, worker host).</summary>
    public const int Integration = 180_000;

    /// <summary>Engines and workers as processes, crashes, broker outages, the browser.</summary>
    public const int EndToEnd = 600_000;
}
