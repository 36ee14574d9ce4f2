using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Messages;

namespace Orchestrator.Sdk.Hosting;

/// <summary>
/// Sends an activity attempt's heartbeats to the engine, at most one per <see cref="Interval"/>: the first at once, later
/// ones held back and sent when the interval has passed, always with the latest details.
/// </summary>
internal sealed class HeartbeatSender : IAsyncDisposable
{
    private readonly EngineSender _sender;
    private readonly ActivityTaskMessage _task;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _disposed = new();
    private long? _lastSentAt;
    private JsonElement? _pending;
    private Task? _trailing;

    private readonly Func<string>? _cancelQueue;

    /// <param name="sender">Sends to the engine.</param>
    /// <param name="task">The attempt.</param>
    /// <param name="logger">Logs a heartbeat that could not be sent.</param>
    /// <param name="cancelQueue">The worker's current cancel queue, named in each heartbeat (null: none).</param>
    public HeartbeatSender(EngineSender sender, ActivityTaskMessage task, ILogger logger, Func<string>? cancelQueue = null)
    {
        _cancelQueue = cancelQueue;
        _sender = sender;
        _task = task;
        _logger = logger;
        Interval = IntervalFor(task.HeartbeatTimeout);
    }

    /// <summary>The least time between two heartbeat messages.</summary>
    public TimeSpan Interval { get; }

    /// <summary>One second, or 80 % of half the heartbeat timeout when that is sooner.</summary>
    public static TimeSpan IntervalFor(TimeSpan? heartbeatTimeout)
    {
        var interval = TimeSpan.FromSeconds(1);
        if (heartbeatTimeout is { } timeout && timeout > TimeSpan.Zero)
        {
            var fraction = timeout * 0.4;
            if (fraction < interval)
            {
                interval = fraction;
            }
        }
        return interval;
    }

    /// <summary>The <see cref="ActivityExecutionContext"/> heartbeat delegate.</summary>
    public Task HeartbeatAsync(ActivityExecutionContext context, JsonElement? details)
    {
        lock (_lock)
        {
            if (_disposed.IsCancellationRequested)
            {
                return Task.CompletedTask;
            }
            var now = Stopwatch.GetTimestamp();
            var elapsed = _lastSentAt is { } last ? Stopwatch.GetElapsedTime(last, now) : TimeSpan.MaxValue;
            if (_trailing is null && elapsed >= Interval)
            {
                _lastSentAt = now;
                return SendAsync(details);
            }
            _pending = details;
            _trailing ??= SendLaterAsync(Interval - elapsed);
            return Task.CompletedTask;
        }
    }

    private async Task SendLaterAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _disposed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        JsonElement? details;
        lock (_lock)
        {
            details = _pending;
            _pending = null;
            _lastSentAt = Stopwatch.GetTimestamp();
            _trailing = null;
        }
        await SendAsync(details).ConfigureAwait(false);
    }

    private async Task SendAsync(JsonElement? details)
    {
        try
        {
            await _sender.SendAsync(new ActivityHeartbeatMessage(_task.RunId, _task.ScheduledEventId, _task.Attempt, details, _cancelQueue?.Invoke()), _disposed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _logger.HeartbeatFailed(ex, _task.ActivityName, _task.ScheduledEventId, _task.Attempt);
        }
    }

    /// <summary>Drops a held-back heartbeat (the attempt's answer supersedes it).</summary>
    public async ValueTask DisposeAsync()
    {
        Task? trailing;
        lock (_lock)
        {
            if (_disposed.IsCancellationRequested)
            {
                return;
            }
            _disposed.Cancel();
            trailing = _trailing;
        }
        if (trailing is not null)
        {
            await trailing.ConfigureAwait(false);
        }
        _disposed.Dispose();
    }
}
