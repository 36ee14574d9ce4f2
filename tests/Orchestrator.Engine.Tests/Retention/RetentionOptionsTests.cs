using Microsoft.Extensions.Configuration;
using Orchestrator.Engine.Retention;

namespace Orchestrator.Engine.Tests.Retention;

/// <summary><c>Orchestrator:Retention</c> is bound with the engine's options and checked with them.</summary>
public sealed class RetentionOptionsTests
{
    private static EngineOptions From(params (string Key, string Value)[] values) =>
        EngineOptions.From(new ConfigurationBuilder().AddInMemoryCollection(
            new[] { ("Orchestrator:Postgres", "Host=db"), ("Orchestrator:RabbitMq", "amqp://u:p@mq:5672/") }.Concat(values)
                .Select(v => KeyValuePair.Create(v.Item1, (string?)v.Item2))).Build());

    [Fact]
    public void Defaults_Keep30Days_InBatchesOf1000()
    {
        var retention = From().Retention;

        Assert.Equal((TimeSpan.FromDays(30), 1000, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(50), true),
            (retention.ClosedRuns, retention.BatchSize, retention.Interval, retention.BatchPause, retention.Enabled));
    }

    [Fact]
    public void From_RetentionKeys_BindsThem_AndZeroKeepsEverything()
    {
        var retention = From(("Orchestrator:Retention:ClosedRuns", "7.00:00:00"), ("Orchestrator:Retention:BatchSize", "2000"),
            ("Orchestrator:Retention:Interval", "00:00:10"), ("Orchestrator:Retention:BatchPause", "00:00:00")).Retention;

        Assert.Equal((TimeSpan.FromDays(7), 2000, TimeSpan.FromSeconds(10), TimeSpan.Zero), (retention.ClosedRuns, retention.BatchSize, retention.Interval, retention.BatchPause));
        Assert.False(From(("Orchestrator:Retention:ClosedRuns", "00:00:00")).Retention.Enabled);
    }

    [Fact]
    public void From_RetentionValuesThatCannotWork_FailsNamingEachKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(("Orchestrator:Retention:ClosedRuns", "-1.00:00:00"),
            ("Orchestrator:Retention:BatchSize", "0"), ("Orchestrator:Retention:Interval", "00:00:00"), ("Orchestrator:Retention:BatchPause", "00:05:00")));

        Assert.Contains("Orchestrator:Retention:ClosedRuns must be between 00:00:00", error.Message, StringComparison.Ordinal);
        Assert.Contains("Orchestrator:Retention:BatchSize must be between 1 and 10000", error.Message, StringComparison.Ordinal);
        Assert.Contains("Orchestrator:Retention:Interval must be between", error.Message, StringComparison.Ordinal);
        Assert.Contains("Orchestrator:Retention:BatchPause must be between", error.Message, StringComparison.Ordinal);
        Assert.Contains("Orchestrator:Retention:ClosedRuns must be between",
            Assert.Throws<InvalidOperationException>(() => From(("Orchestrator:Retention:ClosedRuns", "36501.00:00:00"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_ADurationThatIsNoTimeSpan_FailsNamingTheKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => From(("Orchestrator:Retention:ClosedRuns", "thirty days")));

        Assert.Contains("Orchestrator:Retention:ClosedRuns", error.Message, StringComparison.Ordinal);
    }
}
