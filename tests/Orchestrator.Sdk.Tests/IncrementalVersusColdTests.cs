using Orchestrator.Contracts.Commands;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using Xunit.Abstractions;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary>
/// Property test: for seeded random interleavings of activity results, timer firings, signals, cancel requests and failed
/// workflow tasks, the cached instance (new events only) and a cold instance (history from event 1) produce identical
/// commands at every task (<see cref="EngineSimulator.RunTask"/> compares them).
/// </summary>
public sealed class IncrementalVersusColdTests(ITestOutputHelper output)
{
    [Fact(Timeout = Limit)]
    public Task RandomHistories_CachedAndColdInstances_ProduceIdenticalCommands() => Bounded(() =>
    {
        const int Seeds = 300;
        var closedBy = new Dictionary<string, int>();
        var tasks = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var sim = RunRandom(seed);
            tasks += sim.CommandsPerTask.Count;
            var kind = sim.Closing!.GetType().Name;
            closedBy[kind] = closedBy.GetValueOrDefault(kind) + 1;
        }
        output.WriteLine($"{Seeds} seeds, {tasks} workflow tasks compared; closed by: {string.Join(", ", closedBy.Select(p => $"{p.Key} {p.Value}"))}");
        Assert.True(closedBy.GetValueOrDefault(nameof(CompleteWorkflowCommand)) > Seeds / 2);
    });

    private static EngineSimulator RunRandom(int seed)
    {
        var rng = new Random(seed);
        var sim = new EngineSimulator(typeof(MixWorkflow), rng.Next(4, 16), randomSeed: seed) { Activities = FakeActivities.Default };
        sim.RunTask();
        var signals = 0;
        for (var step = 0; !sim.IsClosed; step++)
        {
            Assert.True(step < 1_000, $"seed {seed}: the workflow did not finish");
            var pending = sim.OpenActivities.Keys.Select(seq => (Kind: 'a', Seq: seq))
                .Concat(sim.OpenTimers.Keys.Select(seq => (Kind: 't', Seq: seq)))
                .OrderBy(_ => rng.Next())
                .ToList();
            var take = pending.Count == 0 ? 0 : rng.Next(1, pending.Count + 1);
            foreach (var (kind, seq) in pending.Take(take))
            {
                if (rng.Next(4) == 0)
                {
                    sim.Signal("go", "s" + signals++);
                }
                if (kind == 'a')
                {
                    sim.CompleteActivity(seq);
                }
                else
                {
                    sim.FireTimer(seq);
                }
            }
            if (rng.Next(5) == 0)
            {
                sim.Signal("go", "s" + signals++);
            }
            if (rng.Next(60) == 0)
            {
                sim.RequestCancel();
            }
            if (rng.Next(12) == 0)
            {
                sim.FailTask();
            }
            sim.Advance(TimeSpan.FromSeconds(rng.Next(1, 120)));
            sim.RunTask();
        }
        return sim;
    }
}
