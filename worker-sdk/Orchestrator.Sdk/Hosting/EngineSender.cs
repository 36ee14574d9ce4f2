using MassTransit;
using Microsoft.Extensions.Options;

namespace Orchestrator.Sdk.Hosting;

/// <summary>Sends the worker's answers to the engine queue's inbox exchange (the engine declares the durable queue and binds it there, so answers wait while no engine runs).</summary>
internal sealed class EngineSender(IOptions<OrchestratorWorkerOptions> options)
{
    private ISendEndpoint? _endpoint;

    /// <summary>Resolves the send endpoint of the engine queue on <paramref name="bus"/>.</summary>
    public async Task AttachAsync(IBus bus, CancellationToken cancellationToken)
    {
        _endpoint = await bus.GetSendEndpoint(WorkerBroker.EngineAddress(options.Value.EngineQueue)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How long one send may take before it is given up (the answer's task then times out at the engine and is sent again).</summary>
    internal static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sends (never publishes) one answer, or throws <see cref="TimeoutException"/> after <see cref="SendTimeout"/>: a send
    /// stuck on a connection the broker dropped must not hold its run's lock, and every later task of that run, forever.
    /// </summary>
    public async Task SendAsync<T>(T message, CancellationToken cancellationToken)
        where T : class
    {
        var endpoint = _endpoint ?? throw new InvalidOperationException("The worker's bus is not started.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SendTimeout);
        try
        {
            await endpoint.Send(message, timeout.Token).WaitAsync(SendTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Sending {typeof(T).Name} to the engine took longer than {SendTimeout.TotalSeconds:0} s.");
        }
    }
}
