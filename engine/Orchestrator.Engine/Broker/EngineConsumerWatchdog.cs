using MassTransit;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Messaging;

namespace Orchestrator.Engine.Broker;

/// <summary>
/// Every <see cref="EngineSettings.ConsumerCheckInterval"/>, asks the broker whether the engine queue still has a consumer
/// (<see cref="ConsumerWatchdog"/>, shared with the worker); when the bus believes it consumes the queue and the broker has
/// listed none for <see cref="ConsumerWatchdog.Strikes"/> checks, the bus is stopped and started again. Without it, a
/// consumer lost in a broker restart leaves every worker answer waiting in the queue while the engine re-sends tasks.
/// </summary>
internal sealed class EngineConsumerWatchdog : BackgroundService
{
    private readonly IBusControl _bus;
    private readonly EngineOptions _options;
    private readonly EngineSettings _settings;
    private readonly ILogger<EngineConsumerWatchdog> _logger;

    public EngineConsumerWatchdog(IBusControl bus, EngineOptions options, EngineSettings settings, ILogger<EngineConsumerWatchdog> logger)
    {
        (_bus, _options, _settings, _logger) = (bus, options, settings, logger);
        if (settings.ConsumerCheckInterval > TimeSpan.Zero)
        {
            Watchdog = new ConsumerWatchdog(new Uri(options.RabbitMq), RabbitMqSetup.Nodes(options.RabbitMqNodes),
                $"orchestrator-engine-watchdog {settings.InstanceId}", logger);
        }
    }

    /// <summary>How many times the bus was restarted because the queue lost its consumer (for tests).</summary>
    internal int BusRestarts { get; private set; }

    /// <summary>The broker check (exposed for tests); null when the check is off.</summary>
    internal ConsumerWatchdog? Watchdog { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Watchdog is not { } watchdog)
        {
            return;
        }
        await using (watchdog.ConfigureAwait(false))
        {
            string[] queues = [_options.EngineQueue];
            try
            {
                while (true)
                {
                    await Task.Delay(_settings.ConsumerCheckInterval, stoppingToken).ConfigureAwait(false);
                    if (await watchdog.CheckAsync(queues, IsConsuming, stoppingToken).ConfigureAwait(false) is { } lost)
                    {
                        await RestartBusAsync(lost, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                Log.ConsumerWatchdogStopped(_logger, ex); // never expected; the engine runs on, unwatched
            }
        }
    }

    /// <summary>Whether the bus reports the receive endpoint of <paramref name="queue"/> healthy (ready and consuming, as it believes).</summary>
    private bool IsConsuming(string queue) =>
        _bus.CheckHealth().Endpoints.Values.Any(e => e.Status == BusHealthStatus.Healthy
            && e.InputAddress.AbsolutePath.TrimEnd('/').Split('/')[^1] == queue);

    private async Task RestartBusAsync(string queue, CancellationToken stoppingToken)
    {
        Log.BusRestarting(_logger, queue, ConsumerWatchdog.Strikes);
        try
        {
            // answers in flight get their time, as in a shutdown; what cannot be acknowledged comes again
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                stop.CancelAfter(TimeSpan.FromSeconds(30));
                await _bus.StopAsync(stop.Token).ConfigureAwait(false);
            }
            await _bus.StartAsync(stoppingToken).ConfigureAwait(false);
            BusRestarts++;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            Log.BusRestartFailed(_logger, ex, queue);
        }
    }
}
