using MassTransit;
using Microsoft.Extensions.Options;

namespace Orchestrator.Sdk.Hosting;

/// <summary>Sends the worker's answers to the engine's queue (a durable queue, declared on first send, so answers wait while no engine runs).</summary>
internal sealed class EngineSender(IOptions<OrchestratorWorkerOptions> options)
{
    private ISendEndpoint? _endpoint;

    /// <summary>Resolves the send endpoint of the engine queue on <paramref name="bus"/>.</summary>
    public async Task AttachAsync(IBus bus, CancellationToken cancellationToken)
    {
        _endpoint = await bus.GetSendEndpoint(new Uri($"queue:{options.Value.EngineQueue}")).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends (never publishes) one answer.</summary>
    public Task SendAsync<T>(T message, CancellationToken cancellationToken)
        where T : class
    {
        var endpoint = _endpoint ?? throw new InvalidOperationException("The worker's bus is not started.");
        return endpoint.Send(message, cancellationToken);
    }
}
