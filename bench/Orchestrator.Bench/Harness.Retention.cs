using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Orchestrator.Bench;

internal static partial class Harness
{
    private sealed partial class Bench
    {
        /// <summary>
        /// Retention beside the hot path (issue 18): the engine restarted with its retention sweep looking every second
        /// (window, batch size and pause at their defaults); one-activity workflows as in throughput1 with nothing due
        /// (the baseline), then a backlog of closed runs older than the window written with plain SQL (each with a history
        /// of a one-activity run's length) and, once the engine is deleting it, the same workflows again.
        /// <c>retentionDeletesPerSec</c>: runs deleted over the time the backlog took to go (sampled every 100 ms);
        /// <c>retentionThroughput1Ratio</c>: workflows per second during the deletion over the baseline's.
        /// </summary>
        private async Task RetentionAsync(JsonObject d)
        {
            var backlog = o.Quick ? 20_000 : 100_000;
            var workflows = o.Quick ? 300 : 2000;
            await StopChildrenAsync();
            await StartChildrenAsync(truncate: true, new Dictionary<string, string> { ["Orchestrator__Retention__Interval"] = "00:00:01" });
            await WarmUpAsync();

            var cpu0 = Cpu();
            var baseline = await RunWorkflowsAsync("OneActivityWorkflow", 1, workflows, inFlight: 50, "ret0");
            d["cpuMsPerWorkflowBaseline"] = CpuAccounting.PerUnit(cpu0, Cpu(), workflows, baseline.Seconds);
            d["baseline"] = baseline.ToJson();

            var write = Stopwatch.StartNew();
            await WriteBacklogAsync(backlog);
            Say($"  {backlog:N0} due closed runs written in {write.Elapsed.TotalSeconds:F1} s");
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var sampling = SampleBacklogAsync(backlog, DateTime.UtcNow, stop.Token);
            // the workflows start once the sweep is deleting (it looks every second), so that they run beside it
            while (await DueRunsAsync() == backlog && !sampling.IsCompleted)
            {
                await Task.Delay(20, stop.Token);
            }
            var cpu1 = Cpu();
            var during = await RunWorkflowsAsync("OneActivityWorkflow", 1, workflows, inFlight: 50, "ret1");
            var cpu2 = Cpu();
            var leftAtEnd = await DueRunsAsync();
            var (startedAt, emptyAt) = await sampling;
            d["cpuMsPerWorkflowDuring"] = CpuAccounting.PerUnit(cpu1, cpu2, workflows, during.Seconds);
            d["during"] = during.ToJson();
            var deleteSeconds = (emptyAt - startedAt).TotalSeconds;
            d["backlogRuns"] = backlog;
            d["historyEventsPerRun"] = BacklogEvents;
            d["deleteSeconds"] = Math.Round(deleteSeconds, 2);
            d["dueLeftWhenWorkflowsEnded"] = leftAtEnd;
            d["workflowsEndedBeforeBacklogGone"] = leftAtEnd > 0;
            _results["retentionDeletesPerSec"] = backlog / Math.Max(deleteSeconds, 0.001);
            _results["retentionThroughput1Ratio"] = during.PerSec / baseline.PerSec;

            // the same backlog again with no workflows beside it: what one deleted run costs, and the pace alone
            await WriteBacklogAsync(backlog);
            var cpu3 = Cpu();
            var (aloneStarted, aloneEmpty) = await SampleBacklogAsync(backlog, DateTime.UtcNow, stop.Token);
            var aloneSeconds = (aloneEmpty - aloneStarted).TotalSeconds;
            d["aloneDeletesPerSec"] = Math.Round(backlog / Math.Max(aloneSeconds, 0.001), 1);
            d["cpuMsPerDeletedRunAlone"] = CpuAccounting.PerUnit(cpu3, Cpu(), backlog, aloneSeconds);
            Say($"  baseline {baseline.PerSec:F1} wf/s, during deletion {during.PerSec:F1} wf/s; backlog gone in {deleteSeconds:F1} s ({leftAtEnd:N0} due runs left when the workflows ended); alone {d["aloneDeletesPerSec"]} runs/s");
        }

        /// <summary>Events of each backlog run: a completed one-activity run's history.</summary>
        private const int BacklogEvents = 11;

        private Task WriteBacklogAsync(int runs) => ExecAsync($"""
            INSERT INTO workflow_runs (run_id, workflow_id, workflow_type, task_queue, status, started_at, closed_at, next_event_id, parent_notified)
            SELECT gen_random_uuid(), 'retention-' || i, 'OneActivityWorkflow', 'default', 'Completed',
                   now() - interval '41 days', now() - interval '40 days' + i * interval '1 millisecond', {BacklogEvents + 1}, true
            FROM generate_series(1, {runs}) i;
            INSERT INTO history_events (run_id, event_id, event_type, "timestamp", attributes)
            SELECT r.run_id, e, 'MarkerRecorded', r.started_at, json_build_object('n', e, 'pad', repeat('x', 160))
            FROM workflow_runs r, generate_series(1, {BacklogEvents}) e WHERE r.workflow_id LIKE 'retention-%';
            """);

        private Task<long> DueRunsAsync() => ScalarAsync("SELECT count(*) FROM workflow_runs WHERE closed_at < now() - interval '30 days'");

        /// <summary>
        /// Samples the due runs every 100 ms until none is left: when deleting started (the first sample with fewer than
        /// <paramref name="backlog"/>; the write's end if the very first sample has fewer) and when the last went.
        /// </summary>
        private async Task<(DateTime Started, DateTime Empty)> SampleBacklogAsync(long backlog, DateTime writtenAt, CancellationToken ct)
        {
            DateTime? started = null;
            for (var sample = 0; ; sample++)
            {
                var left = await DueRunsAsync();
                var now = DateTime.UtcNow;
                if (started is null && left < backlog)
                {
                    started = sample == 0 ? writtenAt : now;
                }
                if (left == 0)
                {
                    return (started ?? now, now);
                }
                await Task.Delay(100, ct);
            }
        }
    }
}
