using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Receives the run-close announcements of every engine (PostgreSQL LISTEN on a connection of its own) and hands them to
/// <see cref="RunCloseNotifier"/>. When the connection fails it listens again after a second; meanwhile long-polls fall
/// back to reading the run every <see cref="EngineSettings.ResultRereadInterval"/>.
/// </summary>
internal sealed class RunCloseListener(DispatchStore store, RunCloseNotifier notifier, ILogger<RunCloseListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.ListenForRunClosesAsync(notifier.Announced, () => notifier.Listening = true, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                notifier.ListeningLost();
                Log.ListenFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }
}
