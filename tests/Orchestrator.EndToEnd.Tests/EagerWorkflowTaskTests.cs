using System.Globalization;
using System.Net;
using Dapper;
using Npgsql;
using static Orchestrator.EndToEnd.Tests.PrimitiveTestKit;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>
/// A worker that holds a run's instance answers an activity's result together with the next workflow task's commands: the
/// engine records both in one transaction, with the timestamp the code saw as its clock.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class EagerWorkflowTaskTests
{
    [Fact(Timeout = TestTimeouts.EndToEnd)]
    public async Task ActivityResultAndTheNextTask_CommitTogether_AndAColdReplaySeesTheSameClock()
    {
        await using var cluster = await Cluster.StartAsync();
        var id = await cluster.StartWorkflowAsync("ClockWorkflow", 3, "clock-" + Guid.NewGuid().ToString("N")[..6]);
        await WaitForHistoryAsync(cluster, id, h => h.Count(e => e.EventType == "ActivityCompleted") == 3
            && h[^1].EventType == "WorkflowTaskCompleted");                                       // now waiting for "finish"

        await using (var connection = new NpgsqlConnection(cluster.Postgres))
        {
            var events = (await connection.QueryAsync<(long Id, string Type, string Xmin)>("""
                SELECT e.event_id, e.event_type, e.xmin::text FROM history_events e JOIN workflow_runs r USING (run_id)
                WHERE r.workflow_id = @id ORDER BY e.event_id
                """, new { id })).ToList();
            var completed = events.Select((e, i) => (e, i)).Where(x => x.e.Type == "ActivityCompleted").ToList();
            Assert.Equal(3, completed.Count);
            foreach (var (e, i) in completed)
            {
                // ActivityStarted, ActivityCompleted, WorkflowTaskScheduled, WorkflowTaskStarted, WorkflowTaskCompleted: one transaction
                Assert.Equal(["ActivityStarted", "ActivityCompleted", "WorkflowTaskScheduled", "WorkflowTaskStarted", "WorkflowTaskCompleted"],
                    events.Skip(i - 1).Take(5).Select(x => x.Type));
                Assert.Single(events.Skip(i - 1).Take(5).Select(x => x.Xmin).Distinct());
            }
        }

        // a worker with an empty cache replays the whole history when the signal comes
        cluster.KillWorker(0);
        cluster.StartWorker();
        Assert.Equal(HttpStatusCode.Accepted, await SignalAsync(cluster, id, "finish", "now"));
        var closed = await cluster.WaitClosedAsync(id);
        Assert.Equal("Completed", closed.GetProperty("status").GetString());

        var history = await cluster.HistoryAsync(id);
        var live = history.Where(e => e.EventType == "ActivityScheduled")
            .Select(e => e.Attributes.GetProperty("input")[0].GetInt64().ToString(CultureInfo.InvariantCulture));
        Assert.Equal(string.Join(",", live), closed.GetProperty("result").GetString()); // the clock the code saw live == the replayed one
        var scheduled = history.Where(e => e.EventType == "WorkflowTaskScheduled").Take(3).Select(e => e.Timestamp.UtcTicks.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(string.Join(",", scheduled), closed.GetProperty("result").GetString()); // and it is the recorded task timestamps
        await Invariants.AssertAllRunsSoundAsync(cluster, 1);
    }
}
