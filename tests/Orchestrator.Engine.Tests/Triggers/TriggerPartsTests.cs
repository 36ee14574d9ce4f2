using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orchestrator.Engine.Triggers;

namespace Orchestrator.Engine.Tests.Triggers;

/// <summary>The pure parts of triggers: workflow id templates and webhook signatures.</summary>
public sealed class TriggerPartsTests
{
    private static IncomingEvent Event(string? dataJson, string? subject = "cart-7") =>
        new("e-1", "/shop", "com.example.order", subject, dataJson is null ? null : JsonDocument.Parse(dataJson).RootElement.Clone(),
            JsonDocument.Parse("{}").RootElement.Clone());

    [Theory]
    [InlineData("order-{data.orderId}", """{"orderId":"o-7"}""", "order-o-7")]
    [InlineData("order-{data.order.id}-{data.n}", """{"order":{"id":42},"n":1.5}""", "order-42-1.5")]
    [InlineData("{triggerId}-{id}", null, "t1-e-1")]
    [InlineData("{type}|{source}|{subject}", null, "com.example.order|/shop|cart-7")]
    [InlineData("flag-{data.ok}", """{"ok":true}""", "flag-true")]
    [InlineData("plain-{data}", "\"abc\"", "plain-abc")]
    public void Fill_ReplacesEachPlaceholder(string template, string? data, string expected)
    {
        Assert.Null(WorkflowIdTemplate.Check(template));
        Assert.Equal(expected, WorkflowIdTemplate.Fill(template, "t1", Event(data), out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("order-{data.orderId}", """{"id":"o-7"}""")]        // missing field
    [InlineData("order-{data.orderId}", """{"orderId":{"a":1}}""")] // not a scalar
    [InlineData("order-{data.orderId}", """{"orderId":null}""")]
    [InlineData("order-{data.orderId}", null)]                      // no data
    [InlineData("order-{data.orderId}", "[1]")]
    [InlineData("c-{subject}", "{}")]
    public void Fill_RefusesWhatTheEventDoesNotHave_NamingThePlaceholder(string template, string? data)
    {
        var e = Event(data, subject: template.Contains("subject", StringComparison.Ordinal) ? null : "s");

        Assert.Null(WorkflowIdTemplate.Fill(template, "t1", e, out var error));
        Assert.Contains(template[(template.IndexOf('{', StringComparison.Ordinal))..], error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("o-{time}", "unknown placeholder")]
    [InlineData("o-{data.}", "unknown placeholder")]
    [InlineData("o-{data.a b}", "unknown placeholder")]
    [InlineData("o-{id", "unmatched")]
    [InlineData("o-id}", "unmatched")]
    [InlineData("o-{{id}}", "unmatched")]
    public void Check_RefusesMalformedTemplates(string template, string detail) =>
        Assert.Contains(detail, WorkflowIdTemplate.Check(template), StringComparison.Ordinal);

    [Fact]
    public void Verify_TakesOnlyTheHmacOfTheBodyWithTheSecret()
    {
        var secret = "s3cret"u8.ToArray();
        var body = """{"id":"e-1"}"""u8.ToArray();
        var good = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, body));

        Assert.True(WebhookSecrets.Verify(secret, body, good));
        Assert.True(WebhookSecrets.Verify(secret, body, good.ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal)));
        Assert.False(WebhookSecrets.Verify(secret, body, null));
        Assert.False(WebhookSecrets.Verify(secret, body, good[7..]));                           // no scheme
        Assert.False(WebhookSecrets.Verify(secret, body, "sha1=" + good[7..]));
        Assert.False(WebhookSecrets.Verify(secret, body, "sha256=zz"));                         // not hex
        Assert.False(WebhookSecrets.Verify(secret, body, good[..^2]));                          // truncated
        Assert.False(WebhookSecrets.Verify(secret, """{"id":"e-2"}"""u8, good));                // another body
        Assert.False(WebhookSecrets.Verify("other"u8.ToArray(), body, good));                   // another secret
    }

    [Fact]
    public void Read_TakesAFileWithoutItsLineBreak_OrAVariable_AndNothingElse()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "from-file\n");
            Assert.Equal("from-file"u8.ToArray(), WebhookSecrets.Read("file:" + file));
            var variable = "ORCH_TEST_HOOK_" + Guid.NewGuid().ToString("N");
            Environment.SetEnvironmentVariable(variable, "from-env");
            Assert.Equal(Encoding.UTF8.GetBytes("from-env"), WebhookSecrets.Read("env:" + variable));
            Environment.SetEnvironmentVariable(variable, null);
            Assert.Null(WebhookSecrets.Read("env:" + variable));
            Assert.Null(WebhookSecrets.Read("file:/nonexistent/hook-secret"));
            File.WriteAllText(file, "\n");
            Assert.Null(WebhookSecrets.Read("file:" + file)); // empty: no secret, nothing verifies
        }
        finally
        {
            File.Delete(file);
        }
        Assert.Null(WebhookSecrets.CheckReference("file:/run/secrets/x"));
        Assert.Null(WebhookSecrets.CheckReference("env:X"));
        Assert.NotNull(WebhookSecrets.CheckReference("hunter2"));
        Assert.NotNull(WebhookSecrets.CheckReference("file:relative"));
        Assert.NotNull(WebhookSecrets.CheckReference("env:"));
    }
}
