namespace Orchestrator.Sdk.Hosting;

/// <summary>One activation at a time per run: a duplicate or later task of a run waits for the one in progress.</summary>
internal sealed class RunLocks
{
    private readonly Dictionary<Guid, Entry> _entries = [];
    private readonly Lock _lock = new();

    public async Task<IDisposable> AcquireAsync(Guid runId, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(runId, out entry!))
            {
                entry = new Entry();
                _entries.Add(runId, entry);
            }
            entry.Users++;
        }
        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(runId, entry, release: false);
            throw;
        }
        return new Releaser(this, runId, entry);
    }

    private void Leave(Guid runId, Entry entry, bool release)
    {
        if (release)
        {
            entry.Semaphore.Release();
        }
        lock (_lock)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(runId);
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        public int Users { get; set; }
    }

    private sealed class Releaser(RunLocks owner, Guid runId, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Leave(runId, entry, release: true);
            }
        }
    }
}
