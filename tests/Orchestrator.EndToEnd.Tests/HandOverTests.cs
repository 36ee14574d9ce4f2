using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>What arrives while a workflow task is in flight and the task's commands then change: found by the chaos run.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class HandOverTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task TimerThatFiresWhileTheTaskCancellingItIsInFlight_IsRecordedCanceled_NotFiredAfterItsCancel()
    {
        await using var cluster = await Cluster.StartAsync();
        var id = await cluster.StartWorkflowAsync("TimerOrSignalWorkflow", 4.0, "timer-race-" + Guid.NewGuid().ToString("N")[..6]);
        await WaitForAsync(cluster, id, h => h.Any(e => e.EventType == "WorkflowTaskCompleted"), "the timer to start");
        cluster.KillWorker(0);

        await SignalAsync(cluster, id, "go");                                 // its task is in flight: no worker answers it
        await using (var db = new NpgsqlConnection(cluster.Postgres))          // the timer fires meanwhile: buffered
        {
            var deadline = DateTime.UtcNow + Cluster.Timeout;
            while (await db.ExecuteScalarAsync<long>("SELECT count(*) FROM buffered_events WHERE event_type = 'TimerFired'") == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the timer never fired.\n{cluster.Logs()}");
                await Task.Delay(100);
            }
        }
        cluster.StartWorker();                                                 // the task runs: the code cancels the timer
        await WaitForAsync(cluster, id, h => h.Any(e => e.EventType == "TimerCanceled"), "the cancel");
        await SignalAsync(cluster, id, "done");

        Assert.Equal("signal", (await cluster.WaitClosedAsync(id)).GetProperty("result").GetString());
        var history = await cluster.HistoryAsync(id);
        Assert.Single(history, e => e.EventType == "TimerCanceled");
        Assert.DoesNotContain(history, e => e.EventType == "TimerFired");       // the code never saw it fire
        await Invariants.AssertAllRunsSoundAsync(cluster, 1);
    }

    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task CancelRequestThatArrivesWithTheTaskThatContinuesAsNew_IsHandedToTheNextRun()
    {
        await using var cluster = await Cluster.StartAsync();
        var id = await cluster.StartWorkflowAsync("ContinueOnSignalWorkflow", 0, "cancel-handover-" + Guid.NewGuid().ToString("N")[..6]);
        await WaitForAsync(cluster, id, h => h.Any(e => e.EventType == "WorkflowTaskCompleted"), "the first task");
        cluster.KillWorker(0);

        await SignalAsync(cluster, id, "next");                               // the task that will continue as new, in flight
        using (var cancel = await cluster.Http.PostAsJsonAsync(new Uri(cluster.EngineUrl(), $"/api/v1/workflows/{id}/cancel"), new { reason = "test" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);        // buffered behind that task
        }
        cluster.StartWorker();

        try
        {
            Assert.Equal("Canceled", Status(await cluster.WaitClosedAsync(id, TimeSpan.FromSeconds(90))));
        }
        catch (TimeoutException e)
        {
            var runs = await cluster.AllRunsAsync();
            throw new TimeoutException(e.Message + "\n" + string.Join("\n", runs.Select(r => $"{r.RunId} {r.Status}: {string.Join(", ", r.Types)}")), e);
        }
    }

    private static async Task SignalAsync(Cluster cluster, string id, string name)
    {
        using var response = await cluster.Http.PostAsJsonAsync(new Uri(cluster.EngineUrl(), $"/api/v1/workflows/{id}/signals/{name}"), name);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static async Task WaitForAsync(Cluster cluster, string id, Func<IReadOnlyList<Orchestrator.Contracts.History.HistoryEvent>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Cluster.Timeout;
        while (!condition(await cluster.HistoryAsync(id)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}.\n{cluster.Logs()}");
            await Task.Delay(100);
        }
    }
}
