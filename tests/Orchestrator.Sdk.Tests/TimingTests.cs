using System.Diagnostics;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using Xunit.Abstractions;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary>Timing runs alone (not in parallel with other test classes) so that the numbers mean something.</summary>
[CollectionDefinition(nameof(TimingTests), DisableParallelization = true)]
public sealed class TimingCollection;

[Collection(nameof(TimingTests))]
public sealed class TimingTests(ITestOutputHelper output)
{
    [Fact(Timeout = Limit)]
    public Task LongHistory_10000Events_ReplaysQuickly() => LongHistory(output);

    internal static Task LongHistory(ITestOutputHelper output) => Bounded(() =>
    {
        var sim = new EngineSimulator(typeof(SequentialWorkflow), 1_700, checkCold: false) { Activities = FakeActivities.Default };
        sim.RunToEnd();
        var events = sim.History.ToList();
        Assert.True(events.Count >= 10_000, $"{events.Count} events");
        var json = sim.ToHistoryJson();
        var definition = WorkflowDefinition.Create(typeof(SequentialWorkflow));

        // warm up (JIT), then measure
        new WorkflowInstance(definition, new WorkflowRuntimeOptions(), null).Replay(events);
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            new WorkflowInstance(definition, new WorkflowRuntimeOptions(), null).Replay(events);
            best = watch.Elapsed < best ? watch.Elapsed : best;
        }
        var parse = TimeSpan.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            HistoryJson.ParseHistoryPage(json);
            parse = watch.Elapsed < parse ? watch.Elapsed : parse;
        }
        output.WriteLine($"replayed {events.Count} events in {best.TotalMilliseconds:0.0} ms (best of 5, events already parsed); parsing the {json.Length / 1024} KiB history JSON takes {parse.TotalMilliseconds:0.0} ms more");
        Assert.True(best < TimeSpan.FromSeconds(2), $"replay took {best}");
    });
}
