using System.Text.Json;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Contracts.Messages;

namespace Orchestrator.Worker.Tests;

/// <summary>An activity that completes on the worker holding its run's instance answers with the next workflow task's commands.</summary>
public sealed class EagerWorkflowTaskTests
{

    private static ActivityTaskMessage Charge(Histories run, ScheduleActivityCommand charge, IReadOnlyList<HistoryEvent>? tail) =>
        new(run.RunId, run.WorkflowId, 5, 1, charge.ActivityName, "ignored", charge.Input, TimeSpan.FromSeconds(30), null, null, null,
            Seq: charge.Seq, WorkflowTail: tail);

    [Fact]
    public async Task CompletedActivity_OfACachedRun_CarriesTheNextTasksCommands()
    {
        using var engine = new StubEngine(_ => (500, "{}"));
        await using var worker = await WorkerFixture.StartAsync(engine.BaseAddress);
        var run = new Histories(worker.TaskQueue);
        await worker.SendAsync(run.Task(run.FirstTask()));
        var charge = (ScheduleActivityCommand)(await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>()).Commands[0];
        var before = DateTimeOffset.UtcNow;

        // events 3-5 as the engine recorded them when it applied the first task's answer
        await worker.SendAsync(Charge(run, charge, run.SecondTask(charge).Take(3).ToList()));
        var answer = await worker.NextAnswerAsync<ActivityTaskCompletedMessage>();

        Assert.Equal("rcpt-o-1", answer.Result!.Value.GetString());
        var next = Assert.IsType<ContinuedWorkflowTask>(answer.Continuation);
        Assert.Equal(3, next.TailFrom);
        Assert.Equal(6, next.FirstEventId);                           // ActivityStarted 6, ActivityCompleted 7, WorkflowTaskScheduled 8
        Assert.InRange(next.Timestamp, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(0, next.Timestamp.UtcTicks % 10);                // whole microseconds, as PostgreSQL keeps them
        var reserve = Assert.IsType<ScheduleActivityCommand>(Assert.Single(next.Commands));
        Assert.Equal("ReserveStock", reserve.ActivityName);            // what the second task answers on the normal path
        Assert.Empty(engine.Requests);
    }

    [Fact]
    public async Task CompletedActivity_WithoutTheRunsInstance_OrWithoutATail_GoesAlone()
    {
        using var engine = new StubEngine(_ => (500, "{}"));
        await using var worker = await WorkerFixture.StartAsync(engine.BaseAddress);
        var run = new Histories(worker.TaskQueue);
        await worker.SendAsync(run.Task(run.FirstTask()));
        var charge = (ScheduleActivityCommand)(await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>()).Commands[0];

        await worker.SendAsync(Charge(run, charge, tail: null));                                                  // a retry: no tail
        Assert.Null((await worker.NextAnswerAsync<ActivityTaskCompletedMessage>()).Continuation);

        var other = new Histories(worker.TaskQueue);                                                             // a run it never saw
        await worker.SendAsync(Charge(other, charge, other.SecondTask(charge).Take(3).ToList()));
        Assert.Null((await worker.NextAnswerAsync<ActivityTaskCompletedMessage>()).Continuation);

        var late = run.SecondTask(charge).Take(3).Select(e => e with { EventId = e.EventId + 1 }).ToList();    // the run moved on
        await worker.SendAsync(Charge(run, charge, late));
        Assert.Null((await worker.NextAnswerAsync<ActivityTaskCompletedMessage>()).Continuation);
        Assert.Empty(engine.Requests);
    }

    [Fact]
    public async Task ContinuedTask_NeverDatesBeforeTheRunsLastEvent_WhenTheWorkersClockIsBehind()
    {
        using var engine = new StubEngine(_ => (500, "{}"));
        await using var worker = await WorkerFixture.StartAsync(engine.BaseAddress);
        var run = new Histories(worker.TaskQueue);
        await worker.SendAsync(run.Task(run.FirstTask()));
        var charge = (ScheduleActivityCommand)(await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>()).Commands[0];
        var engineClock = new DateTimeOffset(DateTimeOffset.UtcNow.AddHours(1).UtcTicks / 10 * 10, TimeSpan.Zero); // the engine's clock is ahead

        await worker.SendAsync(Charge(run, charge, run.SecondTask(charge).Take(3).Select(e => e with { Timestamp = engineClock }).ToList()));
        var next = Assert.IsType<ContinuedWorkflowTask>((await worker.NextAnswerAsync<ActivityTaskCompletedMessage>()).Continuation);

        Assert.Equal(engineClock, next.Timestamp);
    }

    [Fact]
    public async Task EagerWorkflowTasksOff_TheResultGoesAlone()
    {
        await using var worker = await WorkerFixture.StartAsync(configure: o => o.EagerWorkflowTasks = false);
        var run = new Histories(worker.TaskQueue);
        await worker.SendAsync(run.Task(run.FirstTask()));
        var charge = (ScheduleActivityCommand)(await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>()).Commands[0];

        await worker.SendAsync(Charge(run, charge, run.SecondTask(charge).Take(3).ToList()));

        Assert.Null((await worker.NextAnswerAsync<ActivityTaskCompletedMessage>()).Continuation);
    }
}
