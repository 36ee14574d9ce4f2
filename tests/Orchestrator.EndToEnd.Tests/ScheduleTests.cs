using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Contracts.History;
using Xunit.Abstractions;
using static Orchestrator.EndToEnd.Tests.ScheduleKit;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>Schedules fired by real engine processes, started runs on a real worker (docs/triggers.md).</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ScheduleTests(ITestOutputHelper output)
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task CronEverySecond_FiresAboutOncePerSecond_EachTimeItsOwnRunWithTheDerivedId()
    {
        await using var cluster = await Cluster.StartAsync();
        await CreateAsync(cluster, Schedule(cluster, "every-second", new { cron = new[] { "* * * * * *" } }, overlap: "AllowAll"));
        var created = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(8)); // the span measured, not a wait for a condition
        await PostAsync(cluster, "every-second", "pause");
        var actions = (await ActionsAsync(cluster, "every-second")).Where(a => a.ScheduledAt <= created.AddSeconds(8)).ToList();

        Assert.InRange(actions.Count, 6, 9);
        Assert.All(actions, a => Assert.Equal(DerivedId("every-second", a.ScheduledAt), a.WorkflowId));
        Assert.All(actions.Zip(actions.Skip(1)), p => Assert.Equal(TimeSpan.FromSeconds(1), p.Second.ScheduledAt - p.First.ScheduledAt));
        Assert.Equal(actions.Count, actions.Select(a => a.RunId).Distinct().Count());
        var first = actions[0];
        var closed = await cluster.WaitClosedAsync(first.WorkflowId);
        Assert.Equal($"every-second|{first.ScheduledAt:yyyy-MM-ddTHH:mm:ssZ}|{first.WorkflowId}", closed.GetProperty("result").GetString());
        var started = (await cluster.HistoryAsync(first.WorkflowId))[0].GetAttributes<WorkflowStartedAttributes>();
        Assert.Equal("every-second", started.ScheduleId);
        Assert.Equal(first.ScheduledAt, started.ScheduledTime!.Value.UtcDateTime);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task OverlapPolicies_SkipSkips_BufferOneBuffersOne_CancelOtherCancels()
    {
        await using var cluster = await Cluster.StartAsync();
        var every = new { intervals = new[] { new { every = "00:00:01" } } };
        await CreateAsync(cluster, Schedule(cluster, "skip", every, "Skip", delayMs: 3500));
        await CreateAsync(cluster, Schedule(cluster, "buffer-one", every, "BufferOne", delayMs: 2500));
        await CreateAsync(cluster, Schedule(cluster, "cancel-other", new { intervals = new[] { new { every = "00:00:03" } } }, "CancelOther", delayMs: 600_000));

        await WaitActionsAsync(cluster, "skip", a => a.Count(x => x.Status == "Completed") >= 2, "two completed runs");
        await WaitActionsAsync(cluster, "buffer-one", a => a.Count(x => x.Status == "Completed") >= 2, "two completed runs");
        await WaitActionsAsync(cluster, "cancel-other", a => a.Count >= 2 && a[0].Status == "Canceled", "the first run canceled, a second started");
        foreach (var id in new[] { "skip", "buffer-one", "cancel-other" })
        {
            await PostAsync(cluster, id, "pause");
        }

        var skip = await ActionsAsync(cluster, "skip");
        AssertNoOverlap(skip);
        Assert.True((await DescribeAsync(cluster, "skip")).GetProperty("info").GetProperty("overlapSkipped").GetInt64() >= 2);
        // Skip: the next run is a time after the previous run closed (the times in between were skipped)
        Assert.All(skip.Zip(skip.Skip(1)).Where(p => p.First.ClosedAt is not null), p => Assert.True(p.Second.ScheduledAt >= p.First.ClosedAt!.Value.AddSeconds(-1)));

        var buffer = await ActionsAsync(cluster, "buffer-one");
        AssertNoOverlap(buffer);
        // BufferOne: the second run is a time that came while the first ran, started once it closed
        Assert.True(buffer[1].ScheduledAt < buffer[0].ClosedAt, $"{buffer[1].ScheduledAt:O} < {buffer[0].ClosedAt:O}");
        Assert.True(buffer[1].StartedAt >= buffer[0].ClosedAt);
        Assert.True((await DescribeAsync(cluster, "buffer-one")).GetProperty("info").GetProperty("overlapSkipped").GetInt64() >= 1);

        var cancel = await ActionsAsync(cluster, "cancel-other");
        Assert.Equal("Canceled", cancel[0].Status);
        Assert.True(cancel[1].StartedAt >= cancel[0].ClosedAt);
    }

    private static void AssertNoOverlap(IReadOnlyList<ActionRow> actions)
    {
        var runs = actions.Where(a => a.RunId is not null).ToList();
        Assert.All(runs.Zip(runs.Skip(1)), p => Assert.True(p.First.ClosedAt is { } closed && p.Second.StartedAt >= closed,
            $"{p.Second.WorkflowId} started while {p.First.WorkflowId} ran"));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task EngineKilledAcrossAScheduledTime_RestartedWithinTheWindowStartsItOnce_PastTheWindowSkipsItAndSaysWhy()
    {
        await using var cluster = await Cluster.StartAsync();
        var at = DateTime.UtcNow.AddSeconds(6);
        at = new DateTime(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var cron = new { cron = new[] { $"{at.Second} {at.Minute} {at.Hour} {at.Day} {at.Month} *" }, timeZone = "UTC" };
        await CreateAsync(cluster, Schedule(cluster, "within", cron, catchupWindow: "00:01:00"));
        await CreateAsync(cluster, Schedule(cluster, "beyond", cron, catchupWindow: "00:00:02"));

        cluster.KillEngine(0); // SIGKILL, before the time
        while (DateTime.UtcNow < at.AddSeconds(6))
        {
            await Task.Delay(100); // no engine runs across the time
        }
        await cluster.StartEngineAsync(cluster.EngineUrl(0).Port, replaceIndex: 0);

        var within = await WaitActionsAsync(cluster, "within", a => a.Count == 1, "the missed time's run");
        Assert.Equal(DerivedId("within", at), within[0].WorkflowId);
        Assert.Equal("Completed", (await cluster.WaitClosedAsync(within[0].WorkflowId)).GetProperty("status").GetString());
        var beyond = await DescribeAsync(cluster, "beyond");
        var deadline = DateTime.UtcNow + Cluster.Timeout;
        while (beyond.GetProperty("info").GetProperty("missedCatchupWindow").GetInt64() == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            beyond = await DescribeAsync(cluster, "beyond");
        }
        Assert.Equal(1, beyond.GetProperty("info").GetProperty("missedCatchupWindow").GetInt64());
        await cluster.WaitForEngineLogAsync(l => l.Contains("Schedule beyond skipped 1 time(s)") && l.Contains("catch-up window"), "the skipped time and why");
        await Task.Delay(TimeSpan.FromSeconds(2)); // nothing more may come of either
        Assert.Single(await RunsAsync(cluster, "within"));
        Assert.Empty(await RunsAsync(cluster, "beyond"));
        Assert.Empty(await ActionsAsync(cluster, "beyond"));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TwoEnginesRacing_ThreeHundredFires_EachTimeStartsExactlyOneRun()
    {
        await using var cluster = await Cluster.StartAsync(engines: 2);
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var ids = Enumerable.Range(0, 6).Select(i => $"race-{i}").ToList();
        for (var i = 0; i < ids.Count; i++)
        {
            // paused: no time of now fires, only the backfills act
            await CreateAsync(cluster, Schedule(cluster, ids[i], new { intervals = new[] { new { every = "00:00:01" } } }, "AllowAll", paused: true), engine: i % 2);
        }
        // both engines get every backfill, twice, at once: the times must still fire once each
        await Task.WhenAll(ids.SelectMany((id, i) => new[] { 0, 1 }.Select(engine =>
            PostAsync(cluster, id, "backfill", new { startAt = start, endAt = start.AddSeconds(50) }, engine))));

        var all = new List<ActionRow>();
        foreach (var id in ids)
        {
            all.AddRange(await WaitActionsAsync(cluster, id, a => a.Count >= 50, "50 backfilled times"));
        }
        await Task.Delay(TimeSpan.FromSeconds(2)); // the second backfill of each may still be looking: nothing more may start
        all = [.. (await Task.WhenAll(ids.Select(id => ActionsAsync(cluster, id)))).SelectMany(a => a)];
        Assert.Equal(300, all.Count);
        Assert.Equal(300, all.Select(a => a.WorkflowId).Distinct().Count());
        var runs = (await Task.WhenAll(ids.Select(id => RunsAsync(cluster, id)))).SelectMany(r => r).ToList();
        Assert.Equal(300, runs.Count);
        Assert.Equal(300, runs.Select(r => r.WorkflowId).Distinct().Count());
        foreach (var id in ids)
        {
            Assert.Equal(50, (await DescribeAsync(cluster, id)).GetProperty("info").GetProperty("actionCount").GetInt64());
        }
        output.WriteLine("fires per engine: " + string.Join(", ", all.GroupBy(a => a.FiredBy).Select(g => $"{g.Key}: {g.Count()}")));
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task BackfillOfTenMinutes_AtOnePerMinute_StartsTenRuns()
    {
        await using var cluster = await Cluster.StartAsync();
        await CreateAsync(cluster, Schedule(cluster, "minutely", new { cron = new[] { "* * * * *" } }, "AllowAll"));
        var now = DateTime.UtcNow;
        var from = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, DateTimeKind.Utc).AddMinutes(-30);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, await PostAsync(cluster, "minutely", "backfill", new { startAt = from, endAt = from.AddMinutes(10) }));

        var actions = await WaitActionsAsync(cluster, "minutely", a => a.Count(x => x.Kind == "backfill") >= 10, "10 backfilled runs");
        var backfilled = actions.Where(a => a.Kind == "backfill").ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => from.AddMinutes(i)), backfilled.Select(a => a.ScheduledAt));
        Assert.All(backfilled, a => Assert.Equal(DerivedId("minutely", a.ScheduledAt), a.WorkflowId));
        foreach (var a in backfilled)
        {
            Assert.Equal("Completed", (await cluster.WaitClosedAsync(a.WorkflowId)).GetProperty("status").GetString());
        }
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ActionSearchAttributes_AreCheckedWhenWritten_AndGoOnEveryRunItStarts()
    {
        await using var cluster = await Cluster.StartAsync();
        var name = "Sched" + Guid.NewGuid().ToString("N")[..8];
        using (var registered = await cluster.Http.PostAsJsonAsync(new Uri(cluster.EngineUrl(), "/api/v1/search-attributes"), new { name, type = "Keyword" }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, registered.StatusCode);
        }
        object Body(string attribute) => new
        {
            scheduleId = "tagged", spec = new { intervals = new[] { new { every = "01:00:00" } } },
            action = new { workflowType = "ScheduledWorkflow", taskQueue = cluster.TaskQueue, input = 0, searchAttributes = new Dictionary<string, object> { [attribute] = "nightly" } },
            state = new { paused = true },
        };

        using (var refused = await cluster.Http.PostAsJsonAsync(new Uri(cluster.EngineUrl(), "/api/v1/schedules"), Body("NotRegistered" + name)))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("'action.searchAttributes'", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var refused = await cluster.Http.PutAsJsonAsync(new Uri(cluster.EngineUrl(), "/api/v1/schedules/tagged"), Body("NotRegistered" + name)))
        {
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        }
        await CreateAsync(cluster, Body(name));
        Assert.Equal(System.Net.HttpStatusCode.OK, await PostAsync(cluster, "tagged", "trigger"));

        var action = (await WaitActionsAsync(cluster, "tagged", a => a.Count >= 1, "the triggered run"))[0];
        var described = JsonDocument.Parse(await cluster.Http.GetStringAsync(new Uri(cluster.EngineUrl(), $"/api/v1/workflows/{action.WorkflowId}"))).RootElement;
        Assert.Equal("nightly", described.GetProperty("searchAttributes").GetProperty(name).GetString());
        using var listed = await cluster.Http.GetAsync(new Uri(cluster.EngineUrl(), $"/api/v1/workflows?query={Uri.EscapeDataString($"{name} = 'nightly'")}"));
        Assert.Contains(action.WorkflowId, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task Pause_StopsFiring_Unpause_ResumesWithoutABurst()
    {
        await using var cluster = await Cluster.StartAsync();
        await CreateAsync(cluster, Schedule(cluster, "pausing", new { intervals = new[] { new { every = "00:00:01" } } }, "AllowAll"));
        await WaitActionsAsync(cluster, "pausing", a => a.Count >= 2, "two fires");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, await PostAsync(cluster, "pausing", "pause", new { note = "maintenance" }));
        var paused = await DescribeAsync(cluster, "pausing");
        Assert.True(paused.GetProperty("state").GetProperty("paused").GetBoolean());
        Assert.Equal("maintenance", paused.GetProperty("state").GetProperty("note").GetString());
        Assert.Empty(paused.GetProperty("info").GetProperty("nextActionTimes").EnumerateArray());
        var before = (await ActionsAsync(cluster, "pausing")).Count;

        await Task.Delay(TimeSpan.FromSeconds(4)); // paused across four times
        Assert.Equal(before, (await ActionsAsync(cluster, "pausing")).Count);

        var unpausedAt = DateTime.UtcNow;
        Assert.Equal(System.Net.HttpStatusCode.NoContent, await PostAsync(cluster, "pausing", "unpause"));
        var after = await WaitActionsAsync(cluster, "pausing", a => a.Count >= before + 2, "fires after unpause");
        // none of the four times missed while paused was started: the first after unpause is a time after it
        Assert.All(after.Skip(before), a => Assert.True(a.ScheduledAt > unpausedAt.AddSeconds(-1), $"{a.ScheduledAt:O} is a time from the pause"));
        Assert.Equal(10, (await DescribeAsync(cluster, "pausing")).GetProperty("info").GetProperty("nextActionTimes").GetArrayLength());
    }
}
