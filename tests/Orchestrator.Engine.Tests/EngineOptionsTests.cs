using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Orchestrator.Engine.Tests;

/// <summary>The engine's options are validated before it migrates (Program) and again when its host starts (ValidateOnStart).</summary>
public sealed class EngineOptionsTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void From_ValidSettings_BindsThem()
    {
        var options = EngineOptions.From(Settings(("Orchestrator:Postgres", "Host=db;Database=o"), ("Orchestrator:RabbitMq", "amqp://u:p@mq:5672/"),
            ("Orchestrator:QueueType", "classic"), ("Orchestrator:ApiKey", "k-0123456789abcdef")));

        Assert.Equal(("Host=db;Database=o", "amqp://u:p@mq:5672/", "classic", "k-0123456789abcdef"), (options.Postgres, options.RabbitMq, options.QueueType, options.ApiKey));
    }

    [Fact]
    public void From_SettingsThatCannotWork_FailsNamingEveryBadKey_AndNoSecret()
    {
        var error = Assert.Throws<InvalidOperationException>(() => EngineOptions.From(Settings(
            ("Orchestrator:Postgres", "Host=db;Password=hunter2;Frobnicate=1"), ("Orchestrator:RabbitMq", "http://mq/"), ("Orchestrator:ApiKey", "key with spaces"),
            ("Orchestrator:EngineQueue", " "))));

        Assert.Contains("Orchestrator:Postgres is not an Npgsql connection string", error.Message, StringComparison.Ordinal);
        Assert.Contains("Orchestrator:RabbitMq must be an AMQP URI", error.Message, StringComparison.Ordinal);
        Assert.Contains("Orchestrator:ApiKey may hold only visible ASCII", error.Message, StringComparison.Ordinal);
        Assert.Contains("Orchestrator:EngineQueue must not be empty", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Orchestrator:Postgres", "Orchestrator:Postgres is not set")]
    [InlineData("Orchestrator:RabbitMq", "Orchestrator:RabbitMq is not set")]
    public void From_ARequiredKeyMissing_SaysWhichAndHow(string missing, string expected)
    {
        var all = new[] { ("Orchestrator:Postgres", "Host=db"), ("Orchestrator:RabbitMq", "amqp://u:p@mq:5672/") };

        var error = Assert.Throws<InvalidOperationException>(() => EngineOptions.From(Settings(all.Where(s => s.Item1 != missing).ToArray())));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task Host_BuiltWithOptionsThatCannotWork_DoesNotStart_AndNamesTheKeys()
    {
        var app = EngineHost.Build(["--urls", "http://127.0.0.1:0"],
            new EngineOptions { Postgres = "Host=127.0.0.1", RabbitMq = "amqp://u:p@127.0.0.1:1/", QueueType = "lazy", ApiKey = "   " });
        await using (app)
        {
            var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

            Assert.Contains("Orchestrator:QueueType must be 'quorum'", error.Message, StringComparison.Ordinal);
            Assert.Contains("Orchestrator:ApiKey holds only white space", error.Message, StringComparison.Ordinal);
        }
    }
}
