namespace Orchestrator.EndToEnd.Tests.Shop;

/// <summary>A message of a user's MassTransit app (BrokerEventTests): MassTransit publishes it to exchange <c>Orchestrator.EndToEnd.Tests.Shop:OrderPlaced</c>.</summary>
public sealed record OrderPlaced(string OrderId, int Generation, int Generations, int ExpectedSignals);
