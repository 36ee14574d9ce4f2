using MassTransit;
using Microsoft.Extensions.Options;
using Orchestrator.Contracts.Messages;

namespace Orchestrator.Sdk.Hosting;

/// <summary>Sends the worker's answers to the engine queue's inbox exchange (the engine declares the durable queue and binds it there, so answers wait while no engine runs).</summary>
internal sealed class EngineSender(IOptions<OrchestratorWorkerOptions> options)
{
    private readonly TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IBus? _bus;
    private ISendEndpoint? _endpoint;

    /// <summary>
    /// Resolves the send endpoint of the engine queue on <paramref name="bus"/>. Sends wait for it: the bus delivers the
    /// tasks already waiting in its queues as soon as it starts, before this has run.
    /// </summary>
    public async Task AttachAsync(IBus bus, CancellationToken cancellationToken)
    {
        _bus = bus;
        _endpoint = await bus.GetSendEndpoint(EngineQueue).WaitAsync(cancellationToken).ConfigureAwait(false);
        _attached.TrySetResult();
    }

    private Uri EngineQueue => WorkerBroker.EngineAddress(options.Value.EngineQueue);

    /// <summary>How long one send may take before it is given up (the answer's task then times out at the engine and is sent again).</summary>
    internal static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Sends (never publishes) one answer, or throws <see cref="TimeoutException"/> after <see cref="SendTimeout"/>: a send
    /// stuck on a connection the broker dropped (publisher confirms that never come after a broker restart are a known
    /// RabbitMQ.Client 7 failure) must not hold its run's lock, and every later task of that run, forever. On a timeout the
    /// stuck send is cancelled and the endpoint asked of the bus again for the next send.
    /// </summary>
    public async Task SendAsync<T>(T message, CancellationToken cancellationToken)
        where T : class
    {
        await _attached.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var endpoint = _endpoint!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // started on the thread pool: a send that blocks before it returns its task must not escape the timeout either
        var send = Task.Run(() => endpoint.Send(message, timeout.Token), CancellationToken.None);
        if (await Task.WhenAny(send, Task.Delay(SendTimeout, cancellationToken)).ConfigureAwait(false) == send)
        {
            await send.ConfigureAwait(false);
            return;
        }
        cancellationToken.ThrowIfCancellationRequested();
        await timeout.CancelAsync().ConfigureAwait(false);   // before the token source is disposed: the stuck send must see it
        _ = send.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        if (_bus is { } bus)
        {
            _endpoint = await bus.GetSendEndpoint(EngineQueue).ConfigureAwait(false);
        }
        throw new TimeoutException($"Sending {typeof(T).Name} to the engine took longer than {SendTimeout.TotalSeconds:0} s.");
    }

    /// <summary>
    /// Sends <paramref name="message"/> into the inbox exchange of <paramref name="queue"/> (an engine's reply queue), or
    /// throws after <see cref="SendTimeout"/>. For answers someone waits for with a deadline of their own (queries): no retry.
    /// </summary>
    public async Task ReplyAsync<T>(string queue, T message, CancellationToken cancellationToken)
        where T : class
    {
        await _attached.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        // the engine declared the reply queue's inbox as it goes with the queue: declared alike, or the broker refuses it
        var endpoint = await _bus!.GetSendEndpoint(new Uri($"exchange:{QueueNames.Inbox(queue)}?durable=false&autodelete=true")).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SendTimeout);
        await endpoint.Send(message, timeout.Token).WaitAsync(SendTimeout, cancellationToken).ConfigureAwait(false);
    }
}
