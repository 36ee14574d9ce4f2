namespace Orchestrator.EndToEnd.Tests;

/// <summary>One cluster (one engine, one worker) shared by the tests of a class that neither kill nor restart anything.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private Cluster? _cluster;

    public Cluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    public async Task InitializeAsync() => _cluster = await Cluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
