using System.Text;
using System.Text.Json;
using Orchestrator.Engine.Triggers;
using RabbitMQ.Client;

namespace Orchestrator.Engine.Tests.Triggers;

/// <summary>How a broker message becomes an event for triggers (<see cref="BrokerEvents.Read"/>), and why one does not.</summary>
public sealed class BrokerEventsTests
{
    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static BrokerEvent? CloudEvent(BasicProperties properties, string body, out string? error) =>
        BrokerEvents.Read(true, "orchestrator.events", properties, Utf8(body), out error);

    [Fact]
    public void Structured_ReadsTheAttributesAndData()
    {
        var read = CloudEvent(new BasicProperties { ContentType = "application/cloudevents+json; charset=utf-8" },
            """{"specversion":"1.0","id":"e-1","source":"/shop","type":"com.example.order","subject":"s","data":{"orderId":"o-1"}}""", out var error);

        Assert.Null(error);
        Assert.Equal(("e-1", "/shop", "com.example.order", "s"), (read!.Event.Id, read.Event.Source, read.Event.Type, read.Event.Subject));
        Assert.Equal("o-1", read.Event.Data!.Value.GetProperty("orderId").GetString());
        Assert.Equal(ValidTrigger.Kinds.CloudEvents, read.Kind);
        Assert.Equal(["com.example.order"], read.Types);
    }

    [Theory]
    [InlineData("cloudEvents:")]
    [InlineData("cloudEvents_")]
    public void Binary_ReadsTheHeaders_AsBytesStringsOrTimestamps(string prefix)
    {
        var properties = new BasicProperties
        {
            ContentType = "application/json",
            Headers = new Dictionary<string, object?>
            {
                [prefix + "specversion"] = Utf8("1.0"),
                [prefix + "id"] = Utf8("b-1"),
                [prefix + "source"] = "urn:shop",
                [prefix + "type"] = Utf8("com.example.order"),
                [prefix + "time"] = new AmqpTimestamp(1_764_669_600), // 2025-12-02T10:00:00Z
                ["unrelated"] = Utf8("x"),
            },
        };

        var read = CloudEvent(properties, """{"orderId":"o-2"}""", out var error);

        Assert.Null(error);
        Assert.Equal(("b-1", "urn:shop", "com.example.order"), (read!.Event.Id, read.Event.Source, read.Event.Type));
        Assert.Equal("o-2", read.Event.Data!.Value.GetProperty("orderId").GetString());
        Assert.Equal("2025-12-02T10:00:00Z", read.Event.Whole.GetProperty("time").GetString());
    }

    [Theory]
    [InlineData("text/plain", null, "hello", "not a CloudEvent")]
    [InlineData("application/cloudevents-batch+json", null, "[]", "batch")]
    [InlineData("application/cloudevents+json", null, "{\"specversion\":\"1.0\",\"id\":\"x\"}", "not a valid CloudEvent")]
    [InlineData("application/cloudevents+json", null, "{nope", "not a valid CloudEvent")]
    [InlineData("application/json", "0.1", "{}", "not a CloudEvents version")]
    [InlineData("application/json", "1.0", "{}", "not a valid CloudEvent")] // binary without id, source, type
    public void NotAnEvent_SaysWhy(string contentType, string? specVersion, string body, string reason)
    {
        var properties = new BasicProperties
        {
            ContentType = contentType,
            Headers = specVersion is null ? null : new Dictionary<string, object?> { ["cloudEvents:specversion"] = Utf8(specVersion) },
        };

        Assert.Null(CloudEvent(properties, body, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void OverTheBodyLimit_IsRefusedUnread()
    {
        var read = BrokerEvents.Read(true, "orchestrator.events", new BasicProperties(), new byte[Engine.Api.ApiLimits.MaxBodyBytes + 1], out var error);

        Assert.Null(read);
        Assert.Contains("bytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MassTransitEnvelope_IsAnEvent_OfEveryMessageType()
    {
        var envelope = """
            {"messageId":"m-1","sourceAddress":"rabbitmq://localhost/shop_bus_1","messageType":["urn:message:Shop:OrderPlaced","urn:message:Shop:IOrderEvent"],
             "message":{"orderId":"o-3"},"sentTime":"2026-12-02T10:00:00Z"}
            """;

        var read = BrokerEvents.Read(false, "Shop:OrderPlaced", new BasicProperties { ContentType = BrokerEvents.MassTransitContentType }, Utf8(envelope), out var error);

        Assert.Null(error);
        Assert.Equal(ValidTrigger.Kinds.MassTransit, read!.Kind);
        Assert.Equal(["urn:message:Shop:OrderPlaced", "urn:message:Shop:IOrderEvent"], read.Types);
        Assert.Equal(("m-1", "rabbitmq://localhost/shop_bus_1"), (read.Event.Id, read.Event.Source));
        Assert.Equal("o-3", read.Event.Data!.Value.GetProperty("orderId").GetString());
        Assert.Equal("o-3", read.Event.Whole.GetProperty("data").GetProperty("orderId").GetString());
    }

    [Fact]
    public void MassTransitRawJson_TakesTheAmqpMessageId_AndTheExchangesType()
    {
        var read = BrokerEvents.Read(false, "Shop:OrderPlaced", new BasicProperties { ContentType = "application/json", MessageId = "m-2" },
            Utf8("""{"orderId":"o-4"}"""), out var error);

        Assert.Null(error);
        Assert.Equal(["urn:message:Shop:OrderPlaced"], read!.Types);
        Assert.Equal("m-2", read.Event.Id);
        Assert.Equal("o-4", read.Event.Data!.Value.GetProperty("orderId").GetString());
    }

    [Theory]
    [InlineData(BrokerEvents.MassTransitContentType, """{"messageType":["urn:message:Shop:OrderPlaced"],"message":{}}""", "no message id")]
    [InlineData(BrokerEvents.MassTransitContentType, """{"messageId":"m"}""", "not a MassTransit envelope")]
    [InlineData(BrokerEvents.MassTransitContentType, "[1]", "not a MassTransit envelope")]
    [InlineData("application/json", """{"orderId":"o"}""", "no message id")]
    [InlineData(BrokerEvents.MassTransitContentType, "nope", "not a valid MassTransit message")]
    public void MassTransitMessage_ThatCannotBeTaken_SaysWhy(string contentType, string body, string reason)
    {
        Assert.Null(BrokerEvents.Read(false, "Shop:OrderPlaced", new BasicProperties { ContentType = contentType }, Utf8(body), out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("urn:message:Shop:OrderPlaced", true)]
    [InlineData("urn:message:Shop.Orders.V2:Order_Placed", true)]
    [InlineData("urn:message:OrderPlaced", false)]           // no namespace: its exchange name is outside the engine's permissions
    [InlineData("urn:message:Shop:Outer+Inner", false)]      // nested
    [InlineData("urn:message:Shop:Box[[Shop:Item]]", false)] // generic
    [InlineData("Shop:OrderPlaced", false)]
    public void MassTransitMessageType_MustNameAnExchangeTheEngineMayBind(string messageType, bool valid)
    {
        var body = new Contracts.Api.TriggerDefinition("t", new Contracts.Api.TriggerSource("masstransit", MessageType: messageType),
            new Contracts.Api.TriggerAction("start", WorkflowType: "W"), null);

        var trigger = TriggerValidator.Validate(body, null, out var error);

        Assert.Equal(valid, trigger is not null);
        Assert.Equal(valid, error is null);
        if (valid)
        {
            Assert.Equal(messageType[BrokerEvents.MessageUrnPrefix.Length..], BrokerEvents.ExchangeOf(trigger!.Source.MessageType!));
        }
    }
}
