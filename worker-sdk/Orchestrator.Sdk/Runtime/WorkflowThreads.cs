using System.Runtime.ExceptionServices;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// Dedicated, reused threads that run workflow code, so the caller can watch the time a workflow task takes and give up on
/// one that never yields (a deadlock) without blocking a thread-pool thread forever. A thread stuck in workflow code is
/// abandoned; the pool starts another when the next task finds no waiting thread. Idle threads end after a minute.
/// Starting an OS thread per workflow task cost ~30 % of a worker's CPU (docs/benchmarks.md); reusing them removes it.
/// </summary>
internal static class WorkflowThreads
{
    // A plain monitor, not BlockingCollection/SemaphoreSlim: those spin before they block, which showed as ~40 % of a
    // busy worker's CPU in dotnet-trace on a 2-core machine.
    private static readonly Queue<WorkItem> Items = new();
    private static readonly object Gate = new();
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromMinutes(1);
    private static int _waiting;         // threads inside Monitor.Wait
    private static int _pendingWakeups;  // pulses not yet taken by a waiting thread

    /// <summary>Threads started so far (for tests).</summary>
    internal static int ThreadsStarted;

    /// <summary>Queues <paramref name="action"/> on a workflow thread; wait for it with <see cref="WorkItem.Wait"/>.</summary>
    public static WorkItem Start(Action action)
    {
        var item = new WorkItem(action);
        bool startThread;
        lock (Gate)
        {
            Items.Enqueue(item);
            // every queued item has a thread on its way: a waiting one woken for it, or a new one
            startThread = _waiting - _pendingWakeups <= 0;
            if (!startThread)
            {
                _pendingWakeups++;
                Monitor.Pulse(Gate);
            }
        }
        if (startThread)
        {
            Interlocked.Increment(ref ThreadsStarted);
            new Thread(Loop) { IsBackground = true, Name = "orchestrator workflow" }.UnsafeStart();
        }
        return item;
    }

    private static void Loop()
    {
        while (true)
        {
            WorkItem item;
            lock (Gate)
            {
                while (Items.Count == 0)
                {
                    _waiting++;
                    var woken = Monitor.Wait(Gate, IdleLifetime);
                    _waiting--;
                    if (woken)
                    {
                        _pendingWakeups--;
                    }
                    else if (Items.Count == 0)
                    {
                        return; // idle for a minute
                    }
                }
                item = Items.Dequeue();
            }
            item.Run();
        }
    }

    /// <summary>One piece of workflow code handed to a workflow thread.</summary>
    internal sealed class WorkItem(Action action)
    {
        private readonly ManualResetEventSlim _done = new(false, spinCount: 0); // the caller blocks without spinning
        private readonly ExecutionContext? _context = ExecutionContext.Capture(); // AsyncLocals (Activity.Current, log scopes) flow as to a new thread
        private ExceptionDispatchInfo? _failure;

        internal void Run()
        {
            try
            {
                if (_context is null)
                {
                    action();
                }
                else
                {
                    ExecutionContext.Run(_context, static state => ((Action)state!)(), action);
                }
            }
            catch (Exception ex)
            {
                _failure = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                _done.Set();
            }
        }

        /// <summary>Waits up to <paramref name="timeout"/>; true when the action finished (its exception is rethrown).</summary>
        public bool Wait(TimeSpan timeout)
        {
            if (!_done.Wait(timeout))
            {
                return false;
            }
            _done.Dispose();
            _failure?.Throw();
            return true;
        }
    }
}
