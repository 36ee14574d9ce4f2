using Orchestrator.Sdk.Runtime;

namespace Orchestrator.Sdk.Tests;

public sealed class WorkflowThreadsTests
{
    private static readonly AsyncLocal<string?> Ambient = new();

    [Fact]
    public void SequentialTasks_ReuseThreads_InsteadOfStartingOneEach()
    {
        var before = Volatile.Read(ref WorkflowThreads.ThreadsStarted);
        var threadIds = new HashSet<int>();
        for (var i = 0; i < 500; i++)
        {
            var id = 0;
            var work = WorkflowThreads.Start(() => id = Environment.CurrentManagedThreadId);
            Assert.True(work.Wait(TimeSpan.FromSeconds(10)));
            threadIds.Add(id);
        }
        // other test classes run at the same time and may take a few threads of their own; 500 new threads would mean no reuse
        Assert.True(Volatile.Read(ref WorkflowThreads.ThreadsStarted) - before < 50, $"{Volatile.Read(ref WorkflowThreads.ThreadsStarted) - before} threads started for 500 tasks");
        Assert.True(threadIds.Count < 50);
    }

    [Fact]
    public void AStuckThread_IsAbandoned_AndLaterTasksStillRun()
    {
        using var gate = new ManualResetEventSlim();
        var stuck = WorkflowThreads.Start(() => gate.Wait());
        try
        {
            Assert.False(stuck.Wait(TimeSpan.FromMilliseconds(50)));
            var done = 0;
            var works = Enumerable.Range(0, 20).Select(_ => WorkflowThreads.Start(() => Interlocked.Increment(ref done))).ToList();
            Assert.All(works, w => Assert.True(w.Wait(TimeSpan.FromSeconds(10))));
            Assert.Equal(20, done);
        }
        finally
        {
            gate.Set();
        }
        Assert.True(stuck.Wait(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Exceptions_ReachTheCaller_AndAsyncLocalsFlowIn()
    {
        Ambient.Value = "caller's value";
        string? seen = null;
        var ok = WorkflowThreads.Start(() => seen = Ambient.Value);
        Assert.True(ok.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal("caller's value", seen);

        var failing = WorkflowThreads.Start(() => throw new InvalidOperationException("from workflow code"));
        var ex = Assert.Throws<InvalidOperationException>(() => failing.Wait(TimeSpan.FromSeconds(10)));
        Assert.Equal("from workflow code", ex.Message);
    }
}
