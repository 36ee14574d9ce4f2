using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using Xunit.Abstractions;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary>
/// Replays the histories kept in <c>Histories/*.json</c> (recorded from first runs): every change to the runtime must still
/// replay yesterday's histories and reach the same result. Set ORCHESTRATOR_RECORD_HISTORIES=1 to re-record them.
/// </summary>
public sealed class RecordedHistoryTests(ITestOutputHelper output)
{
    public static TheoryData<string, Type> Recorded => new()
    {
        { "greeting", typeof(GreetingWorkflow) },
        { "fan-out-20", typeof(FanOutWorkflow) },
        { "order-v1", typeof(OrderV1) },
        { "patch-v1", typeof(PatchV1) },
        { "patch-v2", typeof(PatchV2) },
        { "saga-compensation-failures", typeof(SagaWorkflow) },
        { "signals", typeof(SignalWorkflow) },
        { "cancel-with-compensation", typeof(CancellableOrderWorkflow) },
        { "mix-seed-7", typeof(MixWorkflow) },
        { "search-attributes", typeof(SearchAttributeWorkflow) },
        { "local-activities", typeof(LocalMixWorkflow) },
        { "side-effect", typeof(SideEffectWorkflow) },
    };

    [Theory(Timeout = Limit)]
    [MemberData(nameof(Recorded))]
    public async Task RecordedHistory_Replays_ToTheSameCommands(string name, Type workflow)
    {
        await Bounded(() =>
        {
            var path = Path.Combine(AppContext.BaseDirectory, "Histories", name + ".json");
            if (Environment.GetEnvironmentVariable("ORCHESTRATOR_RECORD_HISTORIES") == "1")
            {
                var source = Path.Combine(SourceDirectory(), "Histories", name + ".json");
                File.WriteAllText(source, Record(name).ToHistoryJson());
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Copy(source, path, overwrite: true);
            }
            var events = HistoryJson.ParseHistoryPage(File.ReadAllText(path)).Events;
            var instance = new WorkflowInstance(WorkflowDefinition.Create(workflow), new WorkflowRuntimeOptions(), null, "wf-1", "run-1");
            var last = instance.Replay(events); // throws NonDeterminismException on any mismatch

            // the closing command the replay produced is the one history recorded, result included
            var closing = events.Last(e => CommandMatcher.IsCommandEvent(e.EventType));
            Assert.Equal(closing.EventType, last[^1].EventType);
            if (last[^1] is CompleteWorkflowCommand complete)
            {
                Assert.Equal(closing.Attributes.GetProperty("result").GetRawText(), complete.Result?.GetRawText() ?? "null");
            }
            output.WriteLine($"{name}: {events.Count} events replayed");
        });
    }

    private static EngineSimulator Record(string name)
    {
        var sim = name switch
        {
            "greeting" => new EngineSimulator(typeof(GreetingWorkflow), "ana"),
            "fan-out-20" => new EngineSimulator(typeof(FanOutWorkflow), 20),
            "order-v1" => new EngineSimulator(typeof(OrderV1)),
            "patch-v1" => new EngineSimulator(typeof(PatchV1)),
            "patch-v2" => new EngineSimulator(typeof(PatchV2)),
            "saga-compensation-failures" => new EngineSimulator(typeof(SagaWorkflow), new SagaInput("rcpt-bad", "res-bad", ContinueOnError: true)),
            "signals" => new EngineSimulator(typeof(SignalWorkflow)),
            "cancel-with-compensation" => new EngineSimulator(typeof(CancellableOrderWorkflow), "o-7"),
            "mix-seed-7" => new EngineSimulator(typeof(MixWorkflow), 10, randomSeed: 7),
            "search-attributes" => new EngineSimulator(typeof(SearchAttributeWorkflow), "c-17"),
            "local-activities" => new EngineSimulator(typeof(LocalMixWorkflow)),
            "side-effect" => new EngineSimulator(typeof(SideEffectWorkflow)),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        sim.Activities = FakeActivities.Default;
        sim.LocalActivities = FakeLocalActivities.Default;
        switch (name)
        {
            case "signals":
                sim.Signal("add", "a");
                sim.RunTask();
                sim.Signal("add", "b");
                sim.RunTask();
                sim.FireTimer(1);
                sim.RunTask();
                break;
            case "cancel-with-compensation":
                sim.RunTask();
                sim.CompleteActivity(1);
                sim.RunTask();
                sim.CompleteActivity(2);
                sim.RunTask();
                sim.RequestCancel();
                sim.RunToEnd();
                break;
            case "mix-seed-7":
                sim.RunTask();
                while (!sim.IsClosed)
                {
                    sim.Signal("go", "now");
                    foreach (var seq in sim.OpenActivities.Keys.Order().ToList())
                    {
                        sim.CompleteActivity(seq);
                    }
                    foreach (var seq in sim.OpenTimers.Keys.Order().ToList())
                    {
                        sim.FireTimer(seq);
                    }
                    sim.RunTask();
                }
                break;
            default:
                sim.RunToEnd();
                break;
        }
        return sim;
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
