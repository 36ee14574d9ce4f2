using System.Collections.Concurrent;
using Orchestrator.Contracts.Messages;

namespace Orchestrator.Sdk.Hosting;

/// <summary>
/// The activity attempts this worker process runs, by (run, <c>ActivityScheduled</c> id, attempt), and the token source
/// the engine's <see cref="ActivityCancelMessage"/> cancels. The engine sends one in answer to a heartbeat of an attempt
/// whose workflow asked to cancel it, to this process's <see cref="Queue"/> named in the heartbeat.
/// </summary>
internal sealed class ActivityCancellations
{
    private readonly ConcurrentDictionary<(Guid RunId, long ScheduledEventId, int Attempt), CancellationTokenSource> _running = new();

    private volatile string _queue = QueueNames.ActivityCancel(Guid.NewGuid());

    /// <summary>
    /// The cancel queue of the worker's current bus (<see cref="QueueNames.ActivityCancel"/>), named in each heartbeat as
    /// it is sent. Each bus gets a queue of its own (<see cref="NewQueue"/>): a replaced bus's queue goes with it.
    /// </summary>
    public string Queue => _queue;

    /// <summary>A new name for the cancel queue of a bus being started; heartbeats name it from now on.</summary>
    public string NewQueue() => _queue = QueueNames.ActivityCancel(Guid.NewGuid());

    /// <summary>Adds a running attempt; the returned registration removes it.</summary>
    public Registration Register(ActivityTaskMessage task, CancellationTokenSource canceled)
    {
        var key = (task.RunId, task.ScheduledEventId, task.Attempt);
        _running[key] = canceled;
        return new Registration(this, key, canceled);
    }

    /// <summary>Cancels the attempt the message names, if it runs here; false when it does not (finished, or another process's).</summary>
    public bool Cancel(ActivityCancelMessage message)
    {
        if (!_running.TryGetValue((message.RunId, message.ScheduledEventId, message.Attempt), out var source))
        {
            return false;
        }
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return false; // finished meanwhile
        }
        return true;
    }

    /// <summary>Removes its attempt from the running ones when disposed.</summary>
    internal readonly struct Registration(ActivityCancellations owner, (Guid, long, int) key, CancellationTokenSource source) : IDisposable
    {
        public void Dispose() => owner._running.TryRemove(new KeyValuePair<(Guid, long, int), CancellationTokenSource>(key, source));
    }
}
