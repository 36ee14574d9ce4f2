using System.Threading.Channels;

namespace Orchestrator.Engine.External;

/// <summary>
/// The requests to other workflows this engine committed, handed to <see cref="ExternalRequestDeliverer"/> at once. A
/// request lost here (a crash after the commit) is found by the deliverer's look for due rows.
/// </summary>
internal sealed class ExternalRequestQueue
{
    private readonly Channel<(Guid RunId, int Seq)> _channel = Channel.CreateUnbounded<(Guid, int)>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(IEnumerable<(Guid RunId, int Seq)> requests)
    {
        foreach (var request in requests)
        {
            _channel.Writer.TryWrite(request);
        }
    }

    public ChannelReader<(Guid RunId, int Seq)> Reader => _channel.Reader;
}
