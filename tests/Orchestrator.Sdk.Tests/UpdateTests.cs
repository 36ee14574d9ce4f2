using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Sdk.Runtime;
using Orchestrator.Sdk.Tests.Simulation;
using Orchestrator.Sdk.Tests.Workflows;
using Xunit.Abstractions;
using static Orchestrator.Sdk.Tests.TestTime;

namespace Orchestrator.Sdk.Tests;

/// <summary>
/// <c>[WorkflowUpdate]</c> handlers driven by <c>WorkflowUpdateAccepted</c> events (the simulator records their
/// <c>CompleteUpdate</c> commands as <c>WorkflowUpdateCompleted</c>), and <see cref="WorkflowInstance.ValidateUpdate"/>.
/// Every task is also answered cold and compared.
/// </summary>
public sealed class UpdateTests(ITestOutputHelper output)
{
    private static EngineSimulator Counter() => new(typeof(CounterWorkflow))
    {
        Activities = (name, input) => name == "Pay" ? "rcpt-" + input[0].GetString() : null,
    };

    private static JsonElement Json(object? value) => JsonSerializer.SerializeToElement(value);

    private static CompleteUpdateCommand Completed(WorkflowCommand command, string updateId)
    {
        var complete = Assert.IsType<CompleteUpdateCommand>(command);
        Assert.Equal(updateId, complete.UpdateId);
        return complete;
    }

    [Fact(Timeout = Limit)]
    public Task UpdateHandler_ReturnsAResult_AsCompleteUpdate() => Bounded(() =>
    {
        var sim = Counter();
        Assert.Empty(sim.RunTask());
        sim.Update("u1", "Add", 5);
        var first = Completed(Assert.Single(sim.RunTask()), "u1");
        Assert.Equal(("5", null), (first.Result!.Value.GetRawText(), first.Failure));

        sim.Update("u2", "Add", 2);
        sim.Update("u3", "nothing");
        var commands = sim.RunTask();
        Assert.Equal(2, commands.Count);
        Assert.Equal("7", Completed(commands[0], "u2").Result!.Value.GetRawText());
        var nothing = Completed(commands[1], "u3");
        Assert.Null(nothing.Result);
        Assert.Null(nothing.Failure);
    });

    [Fact(Timeout = Limit)]
    public Task UpdateHandler_AwaitingAnActivity_CompletesAfterTheActivityResult() => Bounded(() =>
    {
        var sim = Counter();
        sim.RunTask();
        sim.Update("u1", "Charge", "book");
        var schedule = Assert.IsType<ScheduleActivityCommand>(Assert.Single(sim.RunTask()));
        Assert.Equal(("Pay", "[\"book\"]"), (schedule.ActivityName, schedule.Input.GetRawText()));

        sim.Signal("Other", null); // something else wakes the run: the update is not done yet
        Assert.Empty(sim.RunTask());

        sim.CompleteActivity(schedule.Seq);
        Assert.Equal("\"rcpt-book\"", Completed(Assert.Single(sim.RunTask()), "u1").Result!.Value.GetRawText());
    });

    [Fact(Timeout = Limit)]
    public Task UpdateHandlerThatThrows_FailsTheUpdateOnly_AndTheRunGoesOn() => Bounded(() =>
    {
        var sim = Counter();
        sim.RunTask();
        sim.Update("u1", "Fail");          // throws before returning its task
        sim.Update("u2", "FailLater");     // throws after a timer
        var commands = sim.RunTask();
        Assert.Equal(2, commands.Count);
        var failed = Completed(commands[0], "u1");
        Assert.Null(failed.Result);
        Assert.Equal((nameof(InvalidOperationException), "update broke at once"), (failed.Failure!.Type, failed.Failure.Message));
        var timer = Assert.IsType<StartTimerCommand>(commands[1]);

        sim.FireTimer(timer.Seq);
        sim.Update("u3", "Add", 1);
        var completed = sim.RunTask().Cast<CompleteUpdateCommand>().ToDictionary(c => c.UpdateId);
        Assert.Equal(["u2", "u3"], completed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("update broke later", completed["u2"].Failure!.Message);
        Assert.Equal("1", completed["u3"].Result!.Value.GetRawText());

        sim.Signal("Finish", null);
        Assert.Equal("1", Assert.IsType<CompleteWorkflowCommand>(Assert.Single(sim.RunTask())).Result!.Value.GetRawText());
    });

    [Fact(Timeout = Limit)]
    public Task SameUpdateIdAcceptedTwice_RunsTheHandlerOnce() => Bounded(() =>
    {
        var sim = Counter();
        sim.RunTask();
        sim.Update("u1", "Add", 5);
        sim.Update("u1", "Add", 5);        // in the same task
        Assert.Equal("5", Completed(Assert.Single(sim.RunTask()), "u1").Result!.Value.GetRawText());

        sim.Update("u1", "Add", 5);        // in a later task
        Assert.Empty(sim.RunTask());

        sim.Signal("Finish", null);
        Assert.Equal("5", Assert.IsType<CompleteWorkflowCommand>(Assert.Single(sim.RunTask())).Result!.Value.GetRawText());
        Assert.Single(sim.CompletedUpdates);
    });

    [Fact(Timeout = Limit)]
    public Task AcceptedUpdateWithoutAHandler_FailsTheTask_WithANonDeterminismErrorNamingIt() => Bounded(() =>
    {
        var sim = Counter();
        sim.RunTask();
        sim.Update("u9", "Nope", 1);
        var error = Assert.Throws<WorkflowTaskFailedException>(() => sim.RunTask());
        Assert.Equal(nameof(NonDeterminismException), error.Failure.Type);
        Assert.Contains("update 'Nope' (id 'u9')", error.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("has no [WorkflowUpdate] named 'Nope'", error.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("its updates: Add, Charge, Fail, FailLater, Sneaky, nothing)", error.Failure.Message, StringComparison.Ordinal);

        var cold = Assert.Throws<NonDeterminismException>(() => sim.NewInstance().Replay(sim.History.ToList()));
        Assert.Contains("'Nope'", cold.Message, StringComparison.Ordinal);
    });

    [Fact(Timeout = Limit)]
    public Task RunMethodReturnsWhileAnUpdateAwaitsAnActivity_TheRunCompletesAfterTheUpdate() => Bounded(() =>
    {
        var sim = Counter();
        sim.RunTask();
        sim.Update("u1", "Charge", "book");
        sim.Signal("Finish", null);        // the run method returns in this task
        var schedule = Assert.IsType<ScheduleActivityCommand>(Assert.Single(sim.RunTask()));
        Assert.False(sim.IsClosed);

        sim.CompleteActivity(schedule.Seq);
        var commands = sim.RunTask();
        Assert.Equal(2, commands.Count);
        Assert.Equal("\"rcpt-book\"", Completed(commands[0], "u1").Result!.Value.GetRawText());
        Assert.Equal("0", Assert.IsType<CompleteWorkflowCommand>(commands[1]).Result!.Value.GetRawText());
    });

    [Fact(Timeout = Limit)]
    public Task ValidatorThatRejects_ThrowsUpdateRejected_WithItsMessage_AndChangesNothing() => Bounded(() =>
    {
        var sim = Counter();
        sim.RunTask();
        sim.Update("u1", "Add", 5);
        sim.RunTask();
        var definition = WorkflowDefinition.Create(typeof(CounterWorkflow));
        var instance = sim.NewInstance();
        instance.Replay(sim.History.ToList()); // as the worker answers the __validate_update query

        var rejected = Assert.Throws<UpdateRejectedException>(() => instance.ValidateUpdate("Add", Json(-1)));
        Assert.StartsWith("Add takes a positive number.", rejected.Message, StringComparison.Ordinal);
        instance.ValidateUpdate("Add", Json(3));      // accepted: the handler does not run
        instance.ValidateUpdate("Charge", Json("x")); // no validator: an argument that fits is enough
        Assert.Equal(5, instance.Query(definition.Queries["Total"], null)!.Value.GetInt32());
        Assert.Equal(["add 5"], instance.Query(definition.Queries["Log"], null)!.Value.Deserialize<List<string>>());
        Assert.Throws<ArgumentException>(() => instance.ValidateUpdate("Nope", null));
    });

    [Fact(Timeout = Limit)]
    public Task ValidatingOnTheCachedInstance_LeavesNoCommandAndNoState_ForTheNextTask() => Bounded(() =>
    {
        var sim = Counter();
        sim.RunTask();
        sim.Update("u1", "Add", 5);
        sim.RunTask();

        Assert.Throws<UpdateRejectedException>(() => sim.Cached!.ValidateUpdate("Add", Json(0)));
        Assert.Throws<UpdateRejectedException>(() => sim.Cached!.ValidateUpdate("Sneaky", null));
        sim.Cached!.ValidateUpdate("Add", Json(100));

        // a command the validators left behind, or a total they changed, would differ from the cold instance's answer
        sim.Update("u2", "Add", 1);
        Assert.Equal("6", Completed(Assert.Single(sim.RunTask()), "u2").Result!.Value.GetRawText());
    });

    [Fact(Timeout = Limit)]
    public Task ArgumentThatDoesNotFit_IsRejected() => Bounded(() =>
    {
        var sim = Counter();
        sim.RunTask();
        var instance = sim.NewInstance();
        instance.Replay(sim.History.ToList());

        var rejected = Assert.Throws<UpdateRejectedException>(() => instance.ValidateUpdate("Add", Json("abc")));
        Assert.Contains("The argument of update 'Add' does not fit its parameter (Int32)", rejected.Message, StringComparison.Ordinal);
        Assert.Throws<UpdateRejectedException>(() => instance.ValidateUpdate("Charge", Json(new { a = 1 })));
    });

    [Fact(Timeout = Limit)]
    public Task ValidatorThatCallsAWorkflowApi_IsRejected_EvenWhenItDropsTheTask() => Bounded(() =>
    {
        var sim = Counter();
        sim.RunTask();
        var instance = sim.NewInstance();
        instance.Replay(sim.History.ToList());

        var rejected = Assert.Throws<UpdateRejectedException>(() => instance.ValidateUpdate("Sneaky", null));
        Assert.StartsWith("An update validator may not call ExecuteActivityAsync", rejected.Message, StringComparison.Ordinal);
        instance.ValidateUpdate("Add", Json(1)); // the next validation is not affected
    });

    [Fact(Timeout = Limit)]
    public Task HistoryWithUpdates_ReplaysToTheSameCommands_AndAChangedUpdateIdIsNonDeterminism() => Bounded(() =>
    {
        var sim = Record();
        var events = sim.History.ToList();

        var path = Path.Combine(AppContext.BaseDirectory, "Histories", "updates.json");
        if (Environment.GetEnvironmentVariable("ORCHESTRATOR_RECORD_HISTORIES") == "1")
        {
            var source = Path.Combine(SourceDirectory(), "Histories", "updates.json");
            File.WriteAllText(source, sim.ToHistoryJson());
            File.Copy(source, path, overwrite: true);
        }
        var recorded = HistoryJson.ParseHistoryPage(File.ReadAllText(path)).Events;
        foreach (var history in new[] { events, recorded })
        {
            var last = new WorkflowInstance(WorkflowDefinition.Create(typeof(CounterWorkflow)), new WorkflowRuntimeOptions(), null, "wf-1", "run-1")
                .Replay(history); // throws NonDeterminismException on any mismatch
            Assert.Equal("6", Assert.IsType<CompleteWorkflowCommand>(last[^1]).Result!.Value.GetRawText());
        }
        Assert.Equal(["u1", "u3", "u4", "u2"], recorded.Where(e => e.EventType == EventTypes.WorkflowUpdateCompleted)
            .Select(e => e.GetAttributes<WorkflowUpdateCompletedAttributes>().UpdateId)); // u2 waited for its activity

        var index = events.FindIndex(e => e.EventType == EventTypes.WorkflowUpdateCompleted);
        var original = events[index].GetAttributes<WorkflowUpdateCompletedAttributes>();
        events[index] = HistoryJson.CreateEvent(events[index].EventId, events[index].EventType, events[index].Timestamp, original with { UpdateId = "other" });
        var error = Assert.Throws<NonDeterminismException>(() => sim.NewInstance().Replay(events));
        Assert.Contains("WorkflowUpdateCompleted (update 'other')", error.Message, StringComparison.Ordinal);
        Assert.Contains("CompleteUpdate (update 'u1')", error.Message, StringComparison.Ordinal);
        output.WriteLine(error.Message);
    });

    /// <summary>Updates of every kind, a duplicate, and a run that returns while an update runs.</summary>
    private static EngineSimulator Record()
    {
        var sim = Counter();
        sim.Update("u1", "Add", 5);          // with the start
        sim.RunTask();
        sim.Update("u2", "Charge", "book");
        sim.Update("u3", "Fail");
        sim.RunTask();
        sim.Update("u1", "Add", 5);          // the same id again: applied once
        sim.Update("u4", "Add", 1);
        sim.Signal("Finish", null);
        sim.RunTask();
        sim.CompleteActivity(sim.OpenActivities.Keys.Single());
        sim.RunTask();
        Assert.IsType<CompleteWorkflowCommand>(sim.Closing);
        return sim;
    }

    [Fact(Timeout = Limit)]
    public Task RandomInteractions_CachedAndColdInstances_ProduceIdenticalCommands_AndTheHistoryReplays() => Bounded(() =>
    {
        const int Seeds = 150;
        var (updates, failed, tasks) = (0, 0, 0);
        for (var seed = 0; seed < Seeds; seed++)
        {
            var sim = RunRandom(seed);
            tasks += sim.CommandsPerTask.Count;
            updates += sim.CompletedUpdates.Count;
            failed += sim.CompletedUpdates.Count(u => u.Failure is not null);
            var last = sim.NewInstance().Replay(sim.History.ToList());
            Assert.Equal(sim.Closing!.GetType(), last[^1].GetType());
            // every accepted update id completed once, and none after the run closed
            var accepted = sim.History.Where(e => e.EventType == EventTypes.WorkflowUpdateAccepted)
                .Select(e => e.GetAttributes<WorkflowUpdateAcceptedAttributes>().UpdateId).Distinct().Order(StringComparer.Ordinal);
            var completed = sim.CompletedUpdates.Select(u => u.UpdateId).Order(StringComparer.Ordinal);
            if (sim.Closing is CompleteWorkflowCommand)
            {
                Assert.Equal(accepted, completed);
            }
            Assert.Equal(completed.Distinct(), completed);
        }
        output.WriteLine($"{Seeds} seeds, {tasks} workflow tasks compared, {updates} updates completed ({failed} failed)");
        Assert.True(updates > Seeds && failed > 0);
    });

    private static EngineSimulator RunRandom(int seed)
    {
        var rng = new Random(seed);
        var sim = new EngineSimulator(typeof(BusyInteractionWorkflow), rng.Next(3, 10), randomSeed: seed) { Activities = FakeActivities.Default };
        var (next, stopped) = (0, false);
        void Interact()
        {
            switch (rng.Next(6))
            {
                case 0:
                    sim.Signal("Poke", rng.Next(10));
                    break;
                case 1 or 2:
                    sim.Update("u" + next++, "Work", rng.Next(1, 30));
                    break;
                case 3 when next > 0:
                    sim.Update("u" + rng.Next(next), "Work", rng.Next(1, 30)); // an id seen before: applied once
                    break;
                case 4 when !stopped && rng.Next(6) == 0:
                    sim.Signal("stop", null);
                    stopped = true;
                    break;
            }
        }
        Interact();
        sim.RunTask();
        for (var step = 0; !sim.IsClosed; step++)
        {
            Assert.True(step < 1_000, $"seed {seed}: the workflow did not finish");
            var pending = sim.OpenActivities.Keys.Select(seq => (Kind: 'a', Seq: seq))
                .Concat(sim.OpenTimers.Keys.Select(seq => (Kind: 't', Seq: seq)))
                .OrderBy(_ => rng.Next())
                .ToList();
            foreach (var (kind, seq) in pending.Take(pending.Count == 0 ? 0 : rng.Next(1, pending.Count + 1)))
            {
                if (kind == 'a')
                {
                    sim.CompleteActivity(seq);
                }
                else
                {
                    sim.FireTimer(seq);
                }
            }
            Interact();
            if (rng.Next(60) == 0)
            {
                sim.RequestCancel();
            }
            if (rng.Next(12) == 0)
            {
                sim.FailTask();
            }
            if (pending.Count == 0 && sim.OpenActivities.Count + sim.OpenTimers.Count == 0 && !stopped)
            {
                sim.Signal("stop", null); // the run waits on nothing the simulator gives: let it end
                stopped = true;
            }
            sim.Advance(TimeSpan.FromSeconds(rng.Next(1, 60)));
            sim.RunTask();
        }
        return sim;
    }

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string file = "") => Path.GetDirectoryName(file)!;
}
