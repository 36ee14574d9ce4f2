using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk.Hosting;

/// <summary>
/// The workflow instances kept in memory between tasks, by run id, at most <c>capacity</c> of them; the least recently
/// used goes first. An instance being activated is taken out (<see cref="Take"/>) and put back afterwards, so eviction
/// never touches a running activation.
/// </summary>
internal sealed class WorkflowCache(int capacity)
{
    private readonly Dictionary<Guid, LinkedListNode<(Guid RunId, WorkflowInstance Instance)>> _byRun = [];
    private readonly LinkedList<(Guid RunId, WorkflowInstance Instance)> _recency = new(); // first = most recent
    private readonly Lock _lock = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byRun.Count;
            }
        }
    }

    /// <summary>Removes and returns the instance of <paramref name="runId"/>, if cached.</summary>
    public WorkflowInstance? Take(Guid runId)
    {
        lock (_lock)
        {
            if (!_byRun.Remove(runId, out var node))
            {
                return null;
            }
            _recency.Remove(node);
            return node.Value.Instance;
        }
    }

    /// <summary>Caches <paramref name="instance"/> as the most recent, dropping the least recently used beyond capacity.</summary>
    public void Put(Guid runId, WorkflowInstance instance)
    {
        if (capacity <= 0)
        {
            return;
        }
        lock (_lock)
        {
            if (_byRun.Remove(runId, out var old))
            {
                _recency.Remove(old);
            }
            _byRun[runId] = _recency.AddFirst((runId, instance));
            while (_byRun.Count > capacity)
            {
                var last = _recency.Last!;
                _recency.RemoveLast();
                _byRun.Remove(last.Value.RunId);
            }
        }
    }
}
