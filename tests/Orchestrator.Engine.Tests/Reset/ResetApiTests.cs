using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Orchestrator.Contracts;
using Orchestrator.Contracts.Commands;
using Orchestrator.Contracts.History;
using Orchestrator.Engine.Dispatch;
using Orchestrator.Engine.Tests.Dispatch;

namespace Orchestrator.Engine.Tests.Reset;

/// <summary>One engine for the reset tests (each test uses workflow ids of its own).</summary>
public sealed class ResetEngineFixture : IAsyncLifetime
{
    internal InProcessEngine Engine { get; private set; } = null!;

    public async Task InitializeAsync() => Engine = await InProcessEngine.StartAsync();

    public async Task DisposeAsync() => await Engine.DisposeAsync();
}

/// <summary>
/// <c>POST /api/v1/workflows/{id}/reset</c> against PostgreSQL: what the one transaction writes (the new run's events,
/// task, activity and timer rows, the old run terminated, both linked), and bad requests answered 400/404 that change nothing.
/// </summary>
public sealed class ResetApiTests(ResetEngineFixture fixture) : IClassFixture<ResetEngineFixture>
{
    private InProcessEngine Engine => fixture.Engine;

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    private async Task<(HttpStatusCode Status, JsonElement Body)> ResetAsync(string workflowId, object? body)
    {
        using HttpContent content = body is string raw ? new StringContent(raw, Encoding.UTF8, "application/json") : JsonContent.Create(body);
        using var response = await Engine.Http.PostAsync(new Uri($"/api/v1/workflows/{Uri.EscapeDataString(workflowId)}/reset", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<JsonElement> DescribeAsync(string workflowId, Guid? runId = null)
    {
        var query = runId is null ? "" : $"?runId={runId}";
        using var response = await Engine.Http.GetAsync(new Uri($"/api/v1/workflows/{workflowId}{query}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private Task SignalAsync(string workflowId, string name, object payload) =>
        Engine.Get<WorkflowEngine>().SignalAsync(workflowId, name, JsonSerializer.SerializeToElement(payload));

    /// <summary>Every row of the workflow id's runs and of their tables, as text: a request that changes nothing leaves it as it was.</summary>
    private async Task<string> StateAsync(string workflowId)
    {
        await using var connection = Engine.Connect();
        var rows = await connection.QueryAsync<string>("""
            SELECT 'run ' || r.run_id || ' ' || r.status || ' ' || r.next_event_id || ' ' || coalesce(r.reset_to_run_id::text, '-') || ' '
                || (SELECT count(*) FROM history_events h WHERE h.run_id = r.run_id) || ' '
                || (SELECT count(*) FROM activity_tasks a WHERE a.run_id = r.run_id) || ' '
                || (SELECT count(*) FROM timers t WHERE t.run_id = r.run_id) || ' '
                || (SELECT count(*) FROM buffered_events b WHERE b.run_id = r.run_id) || ' '
                || coalesce((SELECT w.scheduled_event_id::text FROM workflow_tasks w WHERE w.run_id = r.run_id), '-')
            FROM workflow_runs r WHERE r.workflow_id = @workflowId ORDER BY r.created_seq
            """, new { workflowId });
        return string.Join("\n", rows);
    }

    private static ScheduleActivityCommand Activity(int seq) =>
        new(seq, "Charge", JsonSerializer.SerializeToElement(new[] { "card" }), "reset-activities", StartToCloseTimeout: TimeSpan.FromMinutes(5));

    [Fact]
    public async Task Reset_OpenRun_ToATask_CopiesHistory_ReCreatesOpenWork_ReAppliesLaterSignals_TerminatesAndLinks()
    {
        var id = NewId("reset-open");
        var oldRun = await EngineDriver.StartAsync(Engine, id, "Resettable");
        await EngineDriver.AnswerAsync(Engine, oldRun, Activity(1), new StartTimerCommand(2, TimeSpan.FromHours(1)));   // 2-4 task, 5 activity, 6 timer
        await SignalAsync(id, "first", 1);                                                                               // 7 signal, 8 task
        await EngineDriver.AnswerAsync(Engine, oldRun);                                                                  // 9, 10
        await SignalAsync(id, "second", 2);                                                                              // 11 signal, 12 task (in flight)
        await SignalAsync(id, "third", 3);                                                                               // buffered
        var oldHistory = await EngineDriver.HistoryAsync(Engine, oldRun);
        Assert.Equal(12, oldHistory.Count);
        await using var connection = Engine.Connect();
        var timerFireAt = await connection.QuerySingleAsync<DateTime>("SELECT fire_at FROM timers WHERE run_id = @oldRun AND timer_key = 't2'", new { oldRun });

        var (status, body) = await ResetAsync(id, new { eventId = 10, reason = "bad deploy" }); // WorkflowTaskCompleted of the task at 8
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        Assert.Equal(id, body.GetProperty("workflowId").GetString());
        var newRun = Guid.Parse(body.GetProperty("runId").GetString()!);

        // the old run: terminated with the reason, after the buffered signal was appended
        var old = await DescribeAsync(id, oldRun);
        Assert.Equal("Terminated", old.GetProperty("status").GetString());
        Assert.Equal(newRun.ToString(), old.GetProperty("resetToRunId").GetString());
        var oldAfter = await EngineDriver.HistoryAsync(Engine, oldRun);
        Assert.Equal((EventTypes.SignalReceived, EventTypes.WorkflowTerminated), (oldAfter[^2].Type, oldAfter[^1].Type));
        Assert.Contains("reset: bad deploy", oldAfter[^1].Attributes, StringComparison.Ordinal);

        // the new run: the workflow's latest, linked back, events 1..7 copied, the later signals, a fresh task
        var latest = await DescribeAsync(id);
        Assert.Equal((newRun.ToString(), "Running", oldRun.ToString()),
            (latest.GetProperty("runId").GetString(), latest.GetProperty("status").GetString(), latest.GetProperty("resetFromRunId").GetString()));
        var history = await EngineDriver.HistoryAsync(Engine, newRun);
        Assert.Equal(oldHistory.Take(7).Select(e => (e.Id, e.Type, e.Attributes)), history.Take(7));
        Assert.Equal([EventTypes.SignalReceived, EventTypes.SignalReceived, EventTypes.WorkflowTaskScheduled], history.Skip(7).Select(e => e.Type));
        Assert.Contains("\"second\"", history[7].Attributes, StringComparison.Ordinal);
        Assert.Contains("\"third\"", history[8].Attributes, StringComparison.Ordinal);
        Assert.Equal(10, history.Count);
        var (taskEvent, attempt) = await EngineDriver.OpenTaskAsync(Engine, newRun);
        Assert.Equal((10L, 1), (taskEvent, attempt));
        Assert.Equal(11L, await connection.QuerySingleAsync<long>("SELECT next_event_id FROM workflow_runs WHERE run_id = @newRun", new { newRun }));

        // what was open at the point: the activity (attempt 1, sent anew) and the timer (same fire time)
        var activity = await connection.QuerySingleAsync<(long ScheduledEventId, int Seq, int Attempt, string Name)>(
            "SELECT scheduled_event_id, seq, attempt, activity_name FROM activity_tasks WHERE run_id = @newRun", new { newRun });
        Assert.Equal((5L, 1, 1, "Charge"), activity);
        var timer = await connection.QuerySingleAsync<(string Key, DateTime FireAt)>("SELECT timer_key, fire_at FROM timers WHERE run_id = @newRun", new { newRun });
        Assert.Equal(("t2", timerFireAt), timer);
        Assert.Equal(0, await connection.QuerySingleAsync<int>("SELECT count(*) FROM buffered_events WHERE run_id = @oldRun", new { oldRun }));

        // the new run goes on as any run: the sweeper sends the re-created activity, its result and the worker's answers are applied
        await EngineDriver.WaitUntilAsync(async () => await connection.QuerySingleAsync<string>(
            "SELECT state FROM activity_tasks WHERE run_id = @newRun", new { newRun }) == "dispatched", TimeSpan.FromSeconds(30), "the re-created activity to be sent");
        await Engine.Get<TaskAnswerHandler>().HandleAsync(new Contracts.Messages.ActivityTaskCompletedMessage(newRun, 5, 1,
            JsonSerializer.SerializeToElement("charged"), "test"));
        await EngineDriver.AnswerAsync(Engine, newRun);
        Assert.Contains(await EngineDriver.HistoryAsync(Engine, newRun), e => e.Type == EventTypes.ActivityCompleted && e.Attributes.Contains("\"scheduledEventId\":5", StringComparison.Ordinal));
        await EngineDriver.AnswerAsync(Engine, newRun, new CompleteWorkflowCommand(JsonSerializer.SerializeToElement("done")));
        Assert.Equal("Completed", (await DescribeAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Reset_FailedRun_ToLastWorkflowTask_LeavesItFailed_AndStartsFromItsLastDecision()
    {
        var id = NewId("reset-failed");
        var oldRun = await EngineDriver.StartAsync(Engine, id, "Resettable");
        await EngineDriver.AnswerAsync(Engine, oldRun, Activity(1));                  // 2-4, 5 activity
        await Engine.Get<TaskAnswerHandler>().HandleAsync(new Contracts.Messages.ActivityTaskCompletedMessage(oldRun, 5, 1,
            JsonSerializer.SerializeToElement("charged"), "test"));                   // 6 started, 7 completed, 8 task
        await EngineDriver.AnswerAsync(Engine, oldRun, new FailWorkflowCommand(new FailureInfo("Bug", "the code was wrong"))); // 9, 10, 11 failed
        Assert.Equal("Failed", (await DescribeAsync(id)).GetProperty("status").GetString());

        var (status, body) = await ResetAsync(id, new { to = "LastWorkflowTask", reason = "fixed" });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        var newRun = Guid.Parse(body.GetProperty("runId").GetString()!);
        var old = await DescribeAsync(id, oldRun);
        Assert.Equal(("Failed", newRun.ToString()), (old.GetProperty("status").GetString(), old.GetProperty("resetToRunId").GetString()));
        var history = await EngineDriver.HistoryAsync(Engine, newRun);
        Assert.Equal([EventTypes.WorkflowStarted, EventTypes.WorkflowTaskScheduled, EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted,
            EventTypes.ActivityScheduled, EventTypes.ActivityStarted, EventTypes.ActivityCompleted, EventTypes.WorkflowTaskScheduled], history.Select(e => e.Type));
        await using var connection = Engine.Connect();
        Assert.Equal(0, await connection.QuerySingleAsync<int>("SELECT count(*) FROM activity_tasks WHERE run_id = @newRun", new { newRun }));
        Assert.Equal("Running", (await DescribeAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Reset_OfAnOlderClosedRun_TerminatesTheWorkflowsOpenRun_AndCopiesTheNamedRun()
    {
        var id = NewId("reset-older");
        var first = await EngineDriver.StartAsync(Engine, id, "Resettable");
        await EngineDriver.AnswerAsync(Engine, first, new StartTimerCommand(1, TimeSpan.FromSeconds(3))); // 2-4, 5 timer
        await SignalAsync(id, "s", 1);                                                                     // 6 signal, 7 task
        await EngineDriver.AnswerAsync(Engine, first);                                                      // 8, 9: the last completed task is 7
        Assert.True(await Engine.Get<WorkflowEngine>().TerminateAsync(id, "by hand"));
        var second = await EngineDriver.StartAsync(Engine, id, "Resettable");

        var (status, body) = await ResetAsync(id, new { runId = first, to = "LastWorkflowTask", reason = "back to the first" });
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        var newRun = Guid.Parse(body.GetProperty("runId").GetString()!);
        var open = await DescribeAsync(id, second);
        Assert.Equal("Terminated", open.GetProperty("status").GetString());
        Assert.Contains("reset: back to the first", open.GetProperty("failure").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, open.GetProperty("resetToRunId").ValueKind); // the open run was terminated, not reset
        Assert.Equal(newRun.ToString(), (await DescribeAsync(id, first)).GetProperty("resetToRunId").GetString());
        var latest = await DescribeAsync(id);
        Assert.Equal((newRun.ToString(), first.ToString()), (latest.GetProperty("runId").GetString(), latest.GetProperty("resetFromRunId").GetString()));
        var history = await EngineDriver.HistoryAsync(Engine, newRun);
        Assert.Equal([EventTypes.WorkflowStarted, EventTypes.WorkflowTaskScheduled, EventTypes.WorkflowTaskStarted, EventTypes.WorkflowTaskCompleted,
            EventTypes.TimerStarted, EventTypes.SignalReceived, EventTypes.WorkflowTaskScheduled], history.Select(e => e.Type));

        // the re-created timer fires at its own time in the new run (as the event that started it there, event 5)
        await EngineDriver.AnswerAsync(Engine, newRun);
        await EngineDriver.WaitUntilAsync(async () => (await EngineDriver.HistoryAsync(Engine, newRun)).Any(e => e.Type == EventTypes.TimerFired),
            TimeSpan.FromSeconds(30), "the timer to fire");
        var fired = (await EngineDriver.HistoryAsync(Engine, newRun)).Single(e => e.Type == EventTypes.TimerFired);
        Assert.Contains("\"startedEventId\":5", fired.Attributes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentResets_OfAClosedRun_EachCommitsWholeOrIs409_AndOneRunStaysOpen()
    {
        var id = NewId("reset-race");
        var run = await EngineDriver.StartAsync(Engine, id, "Resettable");
        await EngineDriver.AnswerAsync(Engine, run, new FailWorkflowCommand(new FailureInfo("Bug", "broken")));
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ResetAsync(id, new { to = "FirstWorkflowTask", reason = "race" })));
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)a.Status} {a.Body}"));
        var created = answers.Count(a => a.Status == HttpStatusCode.Created);
        Assert.True(created >= 1);
        await using var connection = Engine.Connect();
        var runs = (await connection.QueryAsync<(Guid RunId, string Status, long NextEventId, long Events, Guid? From)>("""
            SELECT run_id, status, next_event_id, (SELECT count(*) FROM history_events h WHERE h.run_id = r.run_id), reset_from_run_id
            FROM workflow_runs r WHERE workflow_id = @id ORDER BY created_seq
            """, new { id })).ToList();
        Assert.Equal(1 + created, runs.Count);                       // a 409 left no run behind
        Assert.Single(runs, r => r.Status == "Running");
        Assert.All(runs, r => Assert.Equal(r.NextEventId - 1, r.Events)); // every history whole and gap-free
        Assert.All(runs.Skip(1), r => Assert.NotNull(r.From));
        Assert.Equal(runs[^1].RunId.ToString(), (await DescribeAsync(id)).GetProperty("runId").GetString());
    }

    [Theory]
    [InlineData("", "must be {")]
    [InlineData("[1]", "must be {")]
    [InlineData("""{"to":"LastWorkflowTask"}""", "'reason' is required")]
    [InlineData("""{"to":"LastWorkflowTask","reason":"  "}""", "'reason' is required")]
    [InlineData("""{"reason":"r"}""", "exactly one of")]
    [InlineData("""{"reason":"r","eventId":2,"to":"FirstWorkflowTask"}""", "exactly one of")]
    [InlineData("""{"reason":"r","to":"Middle"}""", "'to' must be one of")]
    [InlineData("""{"reason":"r","to":1}""", "'to' must be one of")]
    [InlineData("""{"reason":"r","eventId":0}""", "'eventId' must be")]
    [InlineData("""{"reason":"r","eventId":"2"}""", "'eventId' must be")]
    [InlineData("""{"reason":"r","eventId":2.5}""", "'eventId' must be")]
    [InlineData("""{"reason":"r","eventId":5}""", "Event 5 is a ActivityScheduled")]
    [InlineData("""{"reason":"r","eventId":999}""", "no event 999")]
    [InlineData("""{"reason":"r","to":"LastWorkflowTask","runId":"not-a-run"}""", "'runId' must be")]
    [InlineData("""{"reason":"r","to":"LastWorkflowTask","runId":"'; DROP TABLE workflow_runs; --"}""", "'runId' must be")]
    [InlineData("{\"reason\":\"r\",\"eventId\":", "not valid JSON")]
    public async Task Reset_BadBody_Is400_AndChangesNothing(string body, string expected)
    {
        var id = NewId("reset-bad");
        var run = await EngineDriver.StartAsync(Engine, id, "Resettable");
        await EngineDriver.AnswerAsync(Engine, run, Activity(1));
        await SignalAsync(id, "s", 1);
        var before = await StateAsync(id);
        var (status, problem) = await ResetAsync(id, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync(id));
        Assert.Equal("Running", (await DescribeAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Reset_UnknownWorkflowOrRun_Is404_AndChangesNothing()
    {
        var id = NewId("reset-404");
        var run = await EngineDriver.StartAsync(Engine, id, "Resettable");
        var other = await EngineDriver.StartAsync(Engine, NewId("reset-other"), "Resettable");
        var before = await StateAsync(id);
        Assert.Equal(HttpStatusCode.NotFound, (await ResetAsync(NewId("reset-none"), new { to = "FirstWorkflowTask", reason = "r" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await ResetAsync(id, new { to = "FirstWorkflowTask", reason = "r", runId = Guid.NewGuid() })).Status);
        var (status, problem) = await ResetAsync(id, new { to = "FirstWorkflowTask", reason = "r", runId = other }); // a run of another workflow
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.Equal(before, await StateAsync(id));
        Assert.Equal(run.ToString(), (await DescribeAsync(id)).GetProperty("runId").GetString());
    }

    [Fact]
    public async Task Reset_PointWithAnOpenChild_Is400NamingTheEvent_AndTheChildsRunCannotBeReset()
    {
        var id = NewId("reset-parent");
        var childId = NewId("reset-child");
        var parent = await EngineDriver.StartAsync(Engine, id, "Resettable");
        await EngineDriver.AnswerAsync(Engine, parent, new StartChildWorkflowCommand(1, "Child", childId, "reset-children", null)); // 5 ChildWorkflowStarted
        await SignalAsync(id, "s", 1); // 6 signal, 7 task
        var before = await StateAsync(id);
        var childBefore = await StateAsync(childId);

        var (status, problem) = await ResetAsync(id, new { eventId = 7, reason = "r" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("child workflow", detail, StringComparison.Ordinal);
        Assert.Contains("event 5", detail, StringComparison.Ordinal);
        var (childStatus, childProblem) = await ResetAsync(childId, new { to = "FirstWorkflowTask", reason = "r" });
        Assert.Equal(HttpStatusCode.BadRequest, childStatus);
        Assert.Contains("child", childProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync(id));
        Assert.Equal(childBefore, await StateAsync(childId));

        // before the child was started the point is fine
        Assert.Equal(HttpStatusCode.Created, (await ResetAsync(id, new { to = "FirstWorkflowTask", reason = "r" })).Status);
    }
}
