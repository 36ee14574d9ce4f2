using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Visibility;

/// <summary>
/// Keeps <see cref="SearchAttributeCatalog"/> current: reads the registry at start and every <see cref="Interval"/> (an
/// attribute registered through another engine is known here within that), and at once when asked (a registration here,
/// or a start that names an attribute this engine does not know yet).
/// </summary>
internal sealed class SearchAttributeRefresher(VisibilityStore store, EngineSettings settings, ILogger<SearchAttributeRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public SearchAttributeCatalog Catalog => settings.SearchAttributes;

    public async Task RefreshAsync(CancellationToken ct = default)
    {
        var attributes = await store.ReadSearchAttributesAsync(ct);
        Catalog.Replace(attributes.Select(a => KeyValuePair.Create(a.Name, a.Type)));
    }

    /// <summary>
    /// Reads the registry before the engine takes work (hosted services start in order, the engine consumer and the HTTP
    /// server after this one), so a worker's upsert right after a restart is not refused as unknown; at most 10 s, then the
    /// loop keeps trying.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await RefreshAsync(bounded.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            Log.SearchAttributeRefreshFailed(logger, e);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.SearchAttributeRefreshFailed(logger, e);
            }
        }
    }
}
