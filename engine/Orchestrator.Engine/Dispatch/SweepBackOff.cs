namespace Orchestrator.Engine.Dispatch;

/// <summary>
/// The sweeper's memory of items it could not handle: each failure of an item puts it aside for a back-off that doubles
/// from 1 s to at most 5 min, and items put aside are left out of the next candidate queries, so a poison item is neither
/// retried in a hot loop nor first in line forever (the rest of its pass, and of later passes, go on). Kept per engine, in
/// memory: another engine or a restart tries the item again, which is what a transient failure needs.
/// </summary>
internal sealed class SweepBackOff
{
    /// <summary>Most items remembered; past it a failing item is simply tried again on the next pass.</summary>
    private const int MaxItems = 10_000;

    private static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Longest = TimeSpan.FromMinutes(5);

    private readonly Lock _lock = new();
    private readonly Dictionary<(char Kind, Guid RunId, long Id), (int Failures, DateTime RetryAt)> _items = [];

    /// <summary>The item failed: returns how often in a row, and how long it is put aside.</summary>
    public (int Failures, TimeSpan RetryIn) Failed(char kind, Guid runId, long id, DateTime now)
    {
        lock (_lock)
        {
            var failures = _items.TryGetValue((kind, runId, id), out var known) ? known.Failures + 1 : 1;
            var wait = TimeSpan.FromTicks(Math.Min(First.Ticks << Math.Min(failures - 1, 20), Longest.Ticks));
            if (_items.Count < MaxItems || _items.ContainsKey((kind, runId, id)))
            {
                _items[(kind, runId, id)] = (failures, now + wait);
            }
            return (failures, wait);
        }
    }

    /// <summary>The item was handled: it is forgotten.</summary>
    public void Succeeded(char kind, Guid runId, long id)
    {
        lock (_lock)
        {
            _items.Remove((kind, runId, id));
        }
    }

    /// <summary>The items of <paramref name="kind"/> put aside at <paramref name="now"/> (to leave out of its candidate query).</summary>
    public (Guid[] RunIds, long[] Ids) PutAside(char kind, DateTime now)
    {
        lock (_lock)
        {
            var aside = _items.Where(i => i.Key.Kind == kind && i.Value.RetryAt > now).Select(i => i.Key).ToList();
            return (aside.Select(k => k.RunId).ToArray(), aside.Select(k => k.Id).ToArray());
        }
    }

    /// <summary>The earliest time an item of <paramref name="kind"/> put aside may be tried again, if any.</summary>
    public DateTime? NextRetry(char kind, DateTime now)
    {
        lock (_lock)
        {
            var times = _items.Where(i => i.Key.Kind == kind && i.Value.RetryAt > now).Select(i => i.Value.RetryAt).ToList();
            return times.Count > 0 ? times.Min() : null;
        }
    }
}
