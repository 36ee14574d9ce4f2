using System.Text.Json;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Api;
using Orchestrator.Contracts.History;
using Orchestrator.Engine.Decider;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Persistence;
using Orchestrator.Engine.Reset;

namespace Orchestrator.Engine.Tests.Reset;

/// <summary>A history built event by event, as the engine writes it (ids from 1, attributes in the history JSON).</summary>
internal sealed class HistoryBuilder
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    public List<StoredEvent> Events { get; } = [];

    public long Add<T>(string type, T attributes)
    {
        var id = Events.Count + 1L;
        Events.Add(new StoredEvent(id, type, Start.AddSeconds(id), JsonSerializer.Serialize(attributes, HistoryJson.Options)));
        return id;
    }

    public long Started(IReadOnlyDictionary<string, JsonElement>? searchAttributes = null) =>
        Add(EventTypes.WorkflowStarted, new WorkflowStartedAttributes("W", "q", null, 42, SearchAttributes: searchAttributes));

    /// <summary>A workflow task scheduled, started and completed; returns its WorkflowTaskScheduled id.</summary>
    public long Task()
    {
        var scheduled = Add(EventTypes.WorkflowTaskScheduled, new WorkflowTaskScheduledAttributes(1));
        Add(EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(scheduled));
        Add(EventTypes.WorkflowTaskCompleted, new WorkflowTaskCompletedAttributes(scheduled));
        return scheduled;
    }

    public long Signal(string name, object? payload) =>
        Add(EventTypes.SignalReceived, new SignalReceivedAttributes(name, JsonSerializer.SerializeToElement(payload)));

    public long Activity(int seq, string name = "A") =>
        Add(EventTypes.ActivityScheduled, new ActivityScheduledAttributes(seq, name, JsonSerializer.SerializeToElement(new[] { seq }), "aq",
            StartToCloseTimeout: TimeSpan.FromSeconds(30)));

    public long ActivityCompleted(int seq, long scheduled) =>
        Add(EventTypes.ActivityCompleted, new ActivityCompletedAttributes(seq, scheduled, JsonSerializer.SerializeToElement("ok")));

    public long Timer(int seq, DateTimeOffset fireAt) => Add(EventTypes.TimerStarted, new TimerStartedAttributes(seq, TimeSpan.FromMinutes(5), fireAt));

    public IReadOnlyList<StoredEvent> Build() => Events;
}

/// <summary>The pure reset point logic (<see cref="ResetPoint"/>, <see cref="ResetRun"/>) on hand-built histories.</summary>
public sealed class ResetPointTests
{
    private static ResetPlan Plan(IReadOnlyList<StoredEvent> history, ResetTarget target)
    {
        var plan = ResetPoint.Plan(history, target, out var error);
        Assert.True(plan is not null, error);
        Assert.Null(error);
        return plan;
    }

    private static string Refused(IReadOnlyList<StoredEvent> history, ResetTarget target)
    {
        Assert.Null(ResetPoint.Plan(history, target, out var error));
        Assert.NotNull(error);
        return error;
    }

    private static ResetTarget To(ResetTo to) => new(null, to);

    private static ResetTarget At(long eventId) => new(eventId, null);

    /// <summary>Start, task 1 schedules an activity, it completes, task 2 (completed) waits, then a failed task 3 (the last scheduled).</summary>
    private static (HistoryBuilder H, long Task1, long Task2, long Task3) ThreeTasks()
    {
        var h = new HistoryBuilder();
        h.Started();
        var task1 = h.Task();
        var a = h.Activity(1);
        h.ActivityCompleted(1, a);
        var task2 = h.Task();
        h.Signal("go", 1);
        var task3 = h.Add(EventTypes.WorkflowTaskScheduled, new WorkflowTaskScheduledAttributes(1));
        h.Add(EventTypes.WorkflowTaskStarted, new WorkflowTaskStartedAttributes(task3));
        h.Add(EventTypes.WorkflowTaskFailed, new WorkflowTaskFailedAttributes(task3, new FailureInfo("Boom", "bad code")));
        return (h, task1, task2, task3);
    }

    [Fact]
    public void FirstWorkflowTask_IsTheFirstScheduled_AndCopiesOnlyTheStart()
    {
        var (h, task1, _, _) = ThreeTasks();
        var plan = Plan(h.Build(), To(ResetTo.FirstWorkflowTask));
        Assert.Equal(task1, plan.PointEventId);
        Assert.Equal([EventTypes.WorkflowStarted], plan.Copied.Select(e => e.EventType));
        Assert.Empty(plan.Activities); // the activity was scheduled after the point: the code schedules it again
    }

    [Fact]
    public void LastWorkflowTask_IsTheLastWhoseTaskCompleted_NotTheLastScheduled()
    {
        var (h, _, task2, task3) = ThreeTasks();
        var plan = Plan(h.Build(), To(ResetTo.LastWorkflowTask));
        Assert.Equal(task2, plan.PointEventId);
        Assert.NotEqual(task3, plan.PointEventId);
        Assert.Equal(Enumerable.Range(1, (int)task2 - 1).Select(i => (long)i), plan.Copied.Select(e => e.EventId));
    }

    [Fact]
    public void LastWorkflowTask_WithoutACompletedTask_IsRefused()
    {
        var h = new HistoryBuilder();
        h.Started();
        h.Add(EventTypes.WorkflowTaskScheduled, new WorkflowTaskScheduledAttributes(1));
        Assert.Contains("FirstWorkflowTask", Refused(h.Build(), To(ResetTo.LastWorkflowTask)), StringComparison.Ordinal);
    }

    [Fact]
    public void EventId_OfATasksStartedCompletedOrFailedEvent_MeansItsScheduledEvent()
    {
        var (h, _, task2, task3) = ThreeTasks();
        var history = h.Build();
        Assert.Equal(task2, Plan(history, At(task2)).PointEventId);
        Assert.Equal(task2, Plan(history, At(task2 + 1)).PointEventId); // WorkflowTaskStarted
        Assert.Equal(task2, Plan(history, At(task2 + 2)).PointEventId); // WorkflowTaskCompleted
        Assert.Equal(task3, Plan(history, At(task3 + 2)).PointEventId); // WorkflowTaskFailed
    }

    [Fact]
    public void EventId_OfAnotherEvent_IsRefusedNamingIt()
    {
        var (h, _, _, _) = ThreeTasks();
        var error = Refused(h.Build(), At(6)); // ActivityCompleted
        Assert.Contains("Event 6 is a ActivityCompleted", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EventId_PastTheHistory_IsRefused()
    {
        var (h, _, _, _) = ThreeTasks();
        Assert.Contains("no event 99", Refused(h.Build(), At(99)), StringComparison.Ordinal);
    }

    [Fact]
    public void OpenActivityAndTimer_AtThePoint_AreReCreated_ClosedOnesAreNot()
    {
        var h = new HistoryBuilder();
        h.Started();
        h.Task();
        var open = h.Activity(1, "Open");
        var closed = h.Activity(2, "Closed");
        var fireAt = new DateTimeOffset(2026, 12, 1, 11, 0, 0, TimeSpan.Zero);
        var timer = h.Timer(3, fireAt);
        h.Timer(4, fireAt);
        h.ActivityCompleted(2, closed);
        h.Add(EventTypes.TimerCanceled, new TimerCanceledAttributes(4));
        var point = h.Task();
        h.ActivityCompleted(1, open); // after the point: still open at it
        h.Add(EventTypes.TimerFired, new TimerFiredAttributes(3, timer));
        var plan = Plan(h.Build(), At(point));
        var activity = Assert.Single(plan.Activities);
        Assert.Equal((open, 1, "Open"), (activity.ScheduledEventId, activity.Attributes.Seq, activity.Attributes.ActivityName));
        Assert.Equal(new OpenTimer(3, timer, fireAt.UtcDateTime), Assert.Single(plan.Timers));
    }

    [Fact]
    public void SignalsAfterThePoint_AreReApplied_InOrder_ThoseBeforeAreCopied()
    {
        var h = new HistoryBuilder();
        h.Started();
        h.Signal("before", 0);
        var point = h.Task();
        var first = h.Signal("one", 1);
        h.Task();
        var second = h.Signal("two", new { n = 2 });
        var plan = Plan(h.Build(), At(point));
        Assert.Equal([first, second], plan.Signals.Select(s => s.EventId));
        Assert.Contains(plan.Copied, e => e.EventType == EventTypes.SignalReceived);
        Assert.DoesNotContain(plan.Copied, e => e.EventId >= point);
    }

    [Fact]
    public void SearchAttributes_AreThoseAtThePoint()
    {
        var h = new HistoryBuilder();
        h.Started(new Dictionary<string, JsonElement> { ["CustomerId"] = JsonSerializer.SerializeToElement("c-1"), ["Stage"] = JsonSerializer.SerializeToElement("new") });
        h.Task();
        h.Add(EventTypes.SearchAttributesUpserted, new SearchAttributesUpsertedAttributes(new Dictionary<string, JsonElement?>
        {
            ["Stage"] = JsonSerializer.SerializeToElement("paid"), ["CustomerId"] = null, ["Amount"] = JsonSerializer.SerializeToElement(12),
        }));
        var point = h.Task();
        h.Add(EventTypes.SearchAttributesUpserted, new SearchAttributesUpsertedAttributes(new Dictionary<string, JsonElement?>
        {
            ["Stage"] = JsonSerializer.SerializeToElement("shipped"),
        }));
        h.Task();
        var plan = Plan(h.Build(), At(point));
        Assert.NotNull(plan.SearchAttributes);
        var attributes = JsonDocument.Parse(plan.SearchAttributes).RootElement;
        Assert.Equal("paid", attributes.GetProperty("Stage").GetString());
        Assert.Equal(12, attributes.GetProperty("Amount").GetInt32());
        Assert.False(attributes.TryGetProperty("CustomerId", out _));
        var atStart = JsonDocument.Parse(Plan(h.Build(), To(ResetTo.FirstWorkflowTask)).SearchAttributes!).RootElement;
        Assert.Equal(("c-1", "new"), (atStart.GetProperty("CustomerId").GetString(), atStart.GetProperty("Stage").GetString()));
    }

    [Fact]
    public void OpenChild_AtThePoint_IsRefusedNamingItsEvent_AClosedOneIsNot()
    {
        var h = new HistoryBuilder();
        h.Started();
        h.Task();
        var child = h.Add(EventTypes.ChildWorkflowStarted, new ChildWorkflowStartedAttributes(1, "C", "child-1", Guid.NewGuid().ToString()));
        var open = h.Task();
        h.Add(EventTypes.ChildWorkflowCompleted, new ChildWorkflowCompletedAttributes(1, null));
        var closed = h.Task();
        var error = Refused(h.Build(), At(open));
        Assert.Contains($"event {child}", error, StringComparison.Ordinal);
        Assert.Contains("child workflow", error, StringComparison.Ordinal);
        Assert.Equal(closed, Plan(h.Build(), At(closed)).PointEventId);
    }

    [Fact]
    public void OpenExternalRequest_AtThePoint_IsRefused()
    {
        foreach (var (requested, done) in new (object Requested, object Done)[]
                 {
                     (new ExternalSignalRequestedAttributes(1, "other", "s", null), new ExternalRequestCompletedAttributes(1, Guid.NewGuid())),
                     (new ExternalCancelRequestedAttributes(1, "other"), new ExternalRequestFailedAttributes(1, new FailureInfo("NotFound", "none"))),
                 })
        {
            var h = new HistoryBuilder();
            h.Started();
            h.Task();
            var isSignal = requested is ExternalSignalRequestedAttributes;
            var request = isSignal ? h.Add(EventTypes.ExternalSignalRequested, requested) : h.Add(EventTypes.ExternalCancelRequested, requested);
            var open = h.Task();
            h.Add(isSignal ? EventTypes.ExternalSignalCompleted : EventTypes.ExternalCancelFailed, done);
            var closed = h.Task();
            Assert.Contains($"event {request}", Refused(h.Build(), At(open)), StringComparison.Ordinal);
            Assert.Equal(closed, Plan(h.Build(), At(closed)).PointEventId);
        }
    }

    [Fact]
    public void AcceptedUnfinishedUpdate_AtThePoint_IsRefused_AFinishedOneIsNot()
    {
        var h = new HistoryBuilder();
        h.Started();
        h.Task();
        var accepted = h.Add(EventTypes.WorkflowUpdateAccepted, new WorkflowUpdateAcceptedAttributes("u-1", "SetPrice", null));
        var open = h.Task();
        h.Add(EventTypes.WorkflowUpdateCompleted, new WorkflowUpdateCompletedAttributes("u-1", JsonSerializer.SerializeToElement(1)));
        var closed = h.Task();
        var error = Refused(h.Build(), At(open));
        Assert.Contains($"event {accepted}", error, StringComparison.Ordinal);
        Assert.Contains("update", error, StringComparison.Ordinal);
        Assert.Equal(closed, Plan(h.Build(), At(closed)).PointEventId);
    }

    [Fact]
    public void ActivityCancelRequest_OpenAtThePoint_IsRefused()
    {
        var h = new HistoryBuilder();
        h.Started();
        h.Task();
        var a = h.Activity(1);
        h.Task();
        var cancel = h.Add(EventTypes.ActivityCancelRequested, new ActivityCancelRequestedAttributes(1, a));
        var open = h.Task();
        Assert.Contains($"event {cancel}", Refused(h.Build(), At(open)), StringComparison.Ordinal);
    }

    [Fact]
    public void CancelRequest_BeforeThePoint_IsCarried()
    {
        var h = new HistoryBuilder();
        h.Started();
        var before = h.Task();
        h.Add(EventTypes.WorkflowCancelRequested, new WorkflowCancelRequestedAttributes("stop"));
        var after = h.Task();
        Assert.False(Plan(h.Build(), At(before)).CancelRequested);
        Assert.True(Plan(h.Build(), At(after)).CancelRequested);
    }

    [Fact]
    public void NewRun_HasTheCopiedEvents_TheSignals_AndAFreshTask_WithRowsForWhatWasOpen()
    {
        var h = new HistoryBuilder();
        h.Started();
        h.Task();
        var activity = h.Activity(1);
        var fireAt = new DateTimeOffset(2026, 12, 1, 11, 0, 0, TimeSpan.Zero);
        var timer = h.Timer(2, fireAt);
        var point = h.Task();
        h.Signal("go", "payload");
        var plan = Plan(h.Build(), At(point));
        var now = new DateTime(2026, 12, 2, 8, 0, 0, DateTimeKind.Utc);
        var newRunId = Guid.NewGuid();
        var old = new WorkflowRunRecord
        {
            RunId = Guid.NewGuid(), WorkflowId = "wf", WorkflowType = "W", TaskQueue = "q", Status = RunStatus.Failed, StartedAt = now.AddDays(-1),
            Input = "[1]", RunTimeout = TimeSpan.FromHours(1), Attempt = 1,
        };
        var (created, rows) = ResetRun.Build(old, plan, new DecisionContext(now, new EngineSettings(), () => newRunId));

        Assert.Equal((newRunId, "wf", "W", "q", RunStatus.Running, "[1]", old.RunId), (created.Run.RunId, created.Run.WorkflowId, created.Run.WorkflowType,
            created.Run.TaskQueue, created.Run.Status, created.Run.Input, created.Run.ResetFromRunId));
        Assert.Equal(point + 1, created.Events.Count); // 1..point-1 copied, the signal, the fresh task
        for (var i = 0; i < point - 1; i++)
        {
            Assert.Equal((h.Events[i].EventType, h.Events[i].AttributesJson, h.Events[i].Timestamp),
                (created.Events[i].EventType, created.Events[i].AttributesJson, created.Events[i].Timestamp));
        }
        Assert.Equal(EventTypes.SignalReceived, created.Events[^2].EventType);
        Assert.Equal(h.Events[^1].AttributesJson, created.Events[^2].AttributesJson);
        Assert.Equal(EventTypes.WorkflowTaskScheduled, created.Events[^1].EventType);
        Assert.Equal((long)created.Events.Count, created.Task.ScheduledEventId);
        Assert.Equal(1, created.Task.EventsFrom);
        Assert.NotNull(created.Message);
        Assert.Equal(created.Events.Count, created.Message.Events.Count);
        Assert.Equal(now.AddHours(1), created.RunTimeout!.FireAt);

        var row = Assert.Single(rows.InsertActivities);
        Assert.Equal((newRunId, activity, 1, 1, TaskState.Scheduled, now, "aq"), (row.RunId, row.ScheduledEventId, row.Seq, row.Attempt, row.State, row.DispatchAfter, row.TaskQueue));
        Assert.Equal(h.Events[(int)activity - 1].AttributesJson, row.Options);
        var timerRow = Assert.Single(rows.InsertTimers);
        Assert.Equal(("t2", fireAt.UtcDateTime), (timerRow.TimerKey, timerRow.FireAt));
        using var payload = JsonDocument.Parse(timerRow.Payload);
        Assert.Equal(timer, payload.RootElement.GetProperty("startedEventId").GetInt64());
        Assert.Equal(created.Events.Count + 1, rows.ExpectedNextEventId);
    }
}
