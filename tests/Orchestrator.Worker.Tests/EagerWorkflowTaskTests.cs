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

    [Fact(Timeout = TestTimeouts.Integration)]
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

    [Fact(Timeout = TestTimeouts.Integration)]
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

    [Fact(Timeout = TestTimeouts.Integration)]
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

    [Fact(Timeout = TestTimeouts.Integration)]
    public async Task EagerWorkflowTasksOff_TheResultGoesAlone()
    {
        await using var worker = await WorkerFixture.StartAsync(configure: o => o.EagerWorkflowTasks = false);
        var run = new Histories(worker.TaskQueue);
        await worker.SendAsync(run.Task(run.FirstTask()));
        var charge = (ScheduleActivityCommand)(await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>()).Commands[0];

        await worker.SendAsync(Charge(run, charge, run.SecondTask(charge).Take(3).ToList()));

        Assert.Null((await worker.NextAnswerAsync<ActivityTaskCompletedMessage>()).Continuation);
    }

    /// <summary>
    /// Events 9-14 as the engine records them after the second task: that task's WorkflowTaskStarted (naming the continuation
    /// the engine applied, if any), its completion, the reservation it scheduled, run and completed, the third task.
    /// </summary>
    private static List<HistoryEvent> ThirdTask(ScheduleActivityCommand reserve, Guid? appliedContinuation)
    {
        var at = DateTimeOffset.UtcNow;
        return
        [
            HistoryJson.CreateEvent(9, EventTypes.WorkflowTaskStarted, at, new WorkflowTaskStartedAttributes(8, appliedContinuation)),
            HistoryJson.CreateEvent(10, EventTypes.WorkflowTaskCompleted, at, new WorkflowTaskCompletedAttributes(8)),
            HistoryJson.CreateEvent(11, EventTypes.ActivityScheduled, at, new ActivityScheduledAttributes(reserve.Seq, reserve.ActivityName, reserve.Input,
                reserve.TaskQueue, reserve.StartToCloseTimeout, reserve.ScheduleToCloseTimeout, reserve.ScheduleToStartTimeout, reserve.HeartbeatTimeout,
                reserve.RetryPolicy)),
            HistoryJson.CreateEvent(12, EventTypes.ActivityStarted, at, new ActivityStartedAttributes(reserve.Seq, 11, 1)),
            HistoryJson.CreateEvent(13, EventTypes.ActivityCompleted, at, new ActivityCompletedAttributes(reserve.Seq, 11, JsonSerializer.SerializeToElement("resv-o-1"))),
            HistoryJson.CreateEvent(14, EventTypes.WorkflowTaskScheduled, at, new WorkflowTaskScheduledAttributes(1)),
        ];
    }

    [Theory(Timeout = TestTimeouts.Integration)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CachedInstanceAfterAContinuation_FollowsOnOnlyWhenTheEngineAppliedThatContinuation(bool applied)
    {
        // The engine may record the result alone (the run moved) or apply another worker's continuation of the same activity (a
        // duplicated delivery): the next slice then lines up by event id with what this worker's instance assumed, but not by
        // content. The instance must not follow on unless the slice's WorkflowTaskStarted names its own continuation.
        using var engine = new StubEngine(_ => (500, "{}"));
        await using var worker = await WorkerFixture.StartAsync(engine.BaseAddress);
        var run = new Histories(worker.TaskQueue);
        await worker.SendAsync(run.Task(run.FirstTask()));
        var charge = (ScheduleActivityCommand)(await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>()).Commands[0];
        await worker.SendAsync(Charge(run, charge, run.SecondTask(charge).Take(3).ToList()));
        var next = Assert.IsType<ContinuedWorkflowTask>((await worker.NextAnswerAsync<ActivityTaskCompletedMessage>()).Continuation);
        Assert.NotNull(next.ContinuationId);
        var reserve = Assert.IsType<ScheduleActivityCommand>(Assert.Single(next.Commands));

        await worker.SendAsync(run.Task(ThirdTask(reserve, applied ? next.ContinuationId : Guid.NewGuid())));

        if (applied)
        {
            await worker.NextAnswerAsync<WorkflowTaskCompletedMessage>();
            Assert.Empty(engine.Requests);                                       // it followed on from its cached instance
        }
        else
        {
            await worker.NextAnswerAsync<WorkflowTaskFailedMessage>();            // the stub engine answers the history fetch with 500
            Assert.Contains(engine.Requests, r => r.Contains("/history", StringComparison.Ordinal)); // it replayed: no follow-on
        }
    }
}
