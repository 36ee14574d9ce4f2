namespace Orchestrator.Sdk.Hosting;

/// <summary>The worker's shutdown signal: cancelled when in-flight tasks must stop (the shutdown timeout has passed).</summary>
internal sealed class WorkerLifetime : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken Stopping => _stopping.Token;

    public void Stop() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}
