using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Orchestrator.Engine.Persistence;

namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// Wakes long-polls of <c>GET .../result</c> when a run closes. A close by this engine hands them the closed run, so they
/// answer without reading it again; a close by another engine reaches every engine as a PostgreSQL notification
/// (<see cref="RunCloseListener"/>) and the long-poll reads the run. It also knows which runs this engine started and has
/// not seen close, so a long-poll on one of them need not read it first: it is open.
/// </summary>
/// <remarks>
/// A long-poll holds a <see cref="Watch"/> while it waits and disposes it when it answers: the entry of a workflow id lives
/// only while someone watches it (a long-poll on an unknown or closed id leaves nothing behind). Workflow ids are kept and
/// announced by <see cref="Key"/>, so an announcement fits PostgreSQL's 8,000-byte notification payload whatever the id.
/// </remarks>
internal sealed class RunCloseNotifier(EngineSettings settings)
{
    private const int MaxTrackedOpenRuns = 100_000;

    /// <summary>Longest workflow id (UTF-8 bytes) used as its own key; longer ones are hashed.</summary>
    private const int MaxPlainKeyBytes = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Waiter> _waiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _openHere = new(StringComparer.Ordinal);

    /// <summary>True while the listener receives announcements (else a run closed elsewhere may go unseen).</summary>
    public bool Listening { get; set; }

    /// <summary>Workflow ids watched now (for tests and diagnostics).</summary>
    internal int WaiterCount
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>
    /// Watches the next close of a run of <paramref name="workflowId"/>: <see cref="Watcher.Closed"/> completes with the
    /// closed run when this engine closed it, null when another did, and never when no run closes. Dispose it when done.
    /// </summary>
    public Watcher Watch(string workflowId)
    {
        var key = Key(workflowId);
        lock (_lock)
        {
            if (!_waiters.TryGetValue(key, out var waiter))
            {
                waiter = new Waiter();
                _waiters[key] = waiter;
            }
            waiter.Watchers++;
            return new Watcher(this, key, waiter);
        }
    }

    /// <summary>This engine started a run of <paramref name="workflowId"/> (committed).</summary>
    public void StartedHere(string workflowId)
    {
        if (_openHere.Count < MaxTrackedOpenRuns)
        {
            _openHere[Key(workflowId)] = 0;
        }
    }

    /// <summary>
    /// True when the latest run of <paramref name="workflowId"/> is known to be open: this engine started it and no close
    /// was seen since, while the listener works. Call after <see cref="Watch"/>, so a close in between is not missed.
    /// </summary>
    public bool IsKnownOpen(string workflowId) => Listening && _openHere.ContainsKey(Key(workflowId));

    /// <summary>This engine closed a run (committed): <paramref name="closed"/> is its row.</summary>
    public void Notify(WorkflowRunRecord closed)
    {
        var key = Key(closed.WorkflowId);
        if (closed.NextRunId is null)
        {
            _openHere.TryRemove(key, out _);
        }
        Wake(key, closed);
    }

    /// <summary>
    /// The payload announcing a close: the closing engine, whether another run follows, the workflow id's <see cref="Key"/>
    /// (at most a few hundred bytes whatever the id).
    /// </summary>
    public static string Announcement(string instanceId, string workflowId, bool followed) => $"{instanceId} {(followed ? 'n' : 'c')} {Key(workflowId)}";

    /// <summary>An announcement arrived: a close by another engine wakes the waiters of that workflow id (they read the run).</summary>
    public void Announced(string payload)
    {
        var parts = payload.Split(' ', 3);
        if (parts.Length != 3 || parts[0] == settings.InstanceId)
        {
            return; // our own close: already notified with the closed run
        }
        var key = parts[2];
        if (parts[1] == "c")
        {
            _openHere.TryRemove(key, out _);
        }
        Wake(key, null);
    }

    /// <summary>The listener lost its connection: announcements may have been missed, so nothing is known open any more.</summary>
    public void ListeningLost()
    {
        Listening = false;
        _openHere.Clear();
    }

    /// <summary>
    /// How a workflow id is kept and announced: itself when short (up to <see cref="MaxPlainKeyBytes"/> UTF-8 bytes and not
    /// starting with '#'), else '#' and its SHA-256 in hex.
    /// </summary>
    internal static string Key(string workflowId) =>
        Encoding.UTF8.GetByteCount(workflowId) <= MaxPlainKeyBytes && !workflowId.StartsWith('#')
            ? workflowId
            : "#" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(workflowId)));

    private void Wake(string key, WorkflowRunRecord? closed)
    {
        Waiter? waiter;
        lock (_lock)
        {
            if (!_waiters.Remove(key, out waiter))
            {
                return;
            }
        }
        waiter.Completion.TrySetResult(closed);
    }

    private void Release(string key, Waiter waiter)
    {
        lock (_lock)
        {
            if (--waiter.Watchers == 0 && _waiters.TryGetValue(key, out var current) && current == waiter)
            {
                _waiters.Remove(key);
            }
        }
    }

    internal sealed class Waiter
    {
        public TaskCompletionSource<WorkflowRunRecord?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Watchers { get; set; }
    }

    /// <summary>One long-poll's watch of a workflow id (<see cref="Watch"/>); dispose it when the long-poll answers.</summary>
    internal sealed class Watcher : IDisposable
    {
        private readonly RunCloseNotifier _owner;
        private readonly string _key;
        private readonly Waiter _waiter;
        private int _disposed;

        internal Watcher(RunCloseNotifier owner, string key, Waiter waiter)
        {
            _owner = owner;
            _key = key;
            _waiter = waiter;
        }

        /// <summary>Completes at the next close (see <see cref="Watch"/>).</summary>
        public Task<WorkflowRunRecord?> Closed => _waiter.Completion.Task;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _owner.Release(_key, _waiter);
            }
        }
    }
}
