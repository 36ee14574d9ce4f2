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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                Log.SearchAttributeRefreshFailed(logger, e);
            }
            try
            {
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
