using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Contracts.Messages;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Tells the worker running an activity attempt that its workflow asked to cancel it: an <see cref="ActivityCancelMessage"/>
/// in answer to each heartbeat of a <c>canceling</c> attempt, sent to the cancel queue the heartbeat names (only a name
/// <see cref="QueueNames.IsActivityCancel"/> accepts: a worker cannot make the engine send anywhere else). Nothing is
/// stored: a notice lost with a broker fault is sent again at the next heartbeat, and an attempt that never heartbeats
/// closes <c>ActivityCanceled</c> with its answer or its timeout.
/// </summary>
internal sealed class ActivityCancelNotifier(IServiceProvider services, ILogger<ActivityCancelNotifier> logger)
{
    /// <summary>How long one notice may take to send before it is given up (the next heartbeat sends another).</summary>
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);

    public async Task NotifyAsync(ActivityHeartbeatMessage heartbeat)
    {
        if (!QueueNames.IsActivityCancel(heartbeat.CancelQueue))
        {
            Log.ActivityCancelNotSent(logger, heartbeat.RunId, heartbeat.ScheduledEventId, heartbeat.Attempt, "the heartbeat names no cancel queue (an older worker)");
            return;
        }
        try
        {
            // the queue's own exchange, declared by the worker's receive endpoint as it is here (not durable, auto-deleted)
            var endpoint = await services.GetRequiredService<IBus>()
                .GetSendEndpoint(new Uri($"exchange:{heartbeat.CancelQueue}?durable=false&autodelete=true"));
            using var timeout = new CancellationTokenSource(SendTimeout);
            await endpoint.Send(new ActivityCancelMessage(heartbeat.RunId, heartbeat.ScheduledEventId, heartbeat.Attempt), timeout.Token);
            Log.ActivityCancelSent(logger, heartbeat.RunId, heartbeat.ScheduledEventId, heartbeat.Attempt, heartbeat.CancelQueue!);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log.ActivityCancelNotSent(logger, heartbeat.RunId, heartbeat.ScheduledEventId, heartbeat.Attempt, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
