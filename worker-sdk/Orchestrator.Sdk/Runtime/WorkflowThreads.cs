using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Orchestrator.Sdk.Runtime;

/// <summary>
/// Dedicated, reused threads that run workflow code, so the caller can watch the time a workflow task takes and give up on
/// one that never yields (a deadlock) without blocking a thread-pool thread forever. A thread stuck in workflow code is
/// abandoned; the pool starts another when the next task finds no idle thread. Idle threads end after a minute.
/// Starting an OS thread per workflow task cost ~30 % of a worker's CPU (docs/benchmarks.md); reusing them removes it.
/// </summary>
internal static class WorkflowThreads
{
    private static readonly BlockingCollection<WorkItem> Queue = new(new ConcurrentQueue<WorkItem>());
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromMinutes(1);
    private static int _idle;

    /// <summary>Threads started so far (for tests).</summary>
    internal static int ThreadsStarted;

    /// <summary>Queues <paramref name="action"/> on a workflow thread; wait for it with <see cref="WorkItem.Wait"/>.</summary>
    public static WorkItem Start(Action action)
    {
        var item = new WorkItem(action);
        // Claim an idle thread, or start one: every queued item has a thread that will take it.
        while (true)
        {
            var idle = Volatile.Read(ref _idle);
            if (idle == 0)
            {
                Interlocked.Increment(ref ThreadsStarted);
                new Thread(Loop) { IsBackground = true, Name = "orchestrator workflow" }.UnsafeStart();
                break;
            }
            if (Interlocked.CompareExchange(ref _idle, idle - 1, idle) == idle)
            {
                break;
            }
        }
        Queue.Add(item);
        return item;
    }

    private static void Loop()
    {
        while (true)
        {
            if (!Queue.TryTake(out var item, IdleLifetime))
            {
                // Leave only if no item claimed this thread meanwhile (then one is on its way: take it).
                var idle = Volatile.Read(ref _idle);
                if (idle > 0 && Interlocked.CompareExchange(ref _idle, idle - 1, idle) == idle)
                {
                    return;
                }
                continue;
            }
            item.Run();
            Interlocked.Increment(ref _idle);
        }
    }

    /// <summary>One piece of workflow code handed to a workflow thread.</summary>
    internal sealed class WorkItem(Action action)
    {
        private readonly ManualResetEventSlim _done = new();
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
