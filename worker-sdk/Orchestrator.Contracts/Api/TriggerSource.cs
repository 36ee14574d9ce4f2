namespace Orchestrator.Contracts.Api;

/// <summary>The events a trigger takes.</summary>
/// <param name="Kind">
/// <c>cloudevents</c>: CloudEvents of <paramref name="Type"/> (and, when given, <paramref name="Source"/>), over RabbitMQ
/// (exchange <c>orchestrator.events</c>) or HTTP (<c>POST /api/v1/events</c>). <c>masstransit</c>: messages of
/// <paramref name="MessageType"/> published by a MassTransit application.
/// </param>
/// <param name="Type">The CloudEvents <c>type</c> it matches (kind <c>cloudevents</c>).</param>
/// <param name="Source">The CloudEvents <c>source</c> it matches; any source when absent (kind <c>cloudevents</c>).</param>
/// <param name="MessageType">The MassTransit message type URN, e.g. <c>urn:message:Shop:OrderPlaced</c> (kind <c>masstransit</c>).</param>
public sealed record TriggerSource(
    string Kind,
    string? Type = null,
    string? Source = null,
    string? MessageType = null);
