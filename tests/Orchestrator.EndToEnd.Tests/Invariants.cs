using System.Text.Json;

namespace Orchestrator.EndToEnd.Tests;

/// <summary>What must hold for every run after any crash: gap-free ids, results recorded once, closed once.</summary>
public static class Invariants
{
    private static readonly HashSet<string> Closing =
        ["WorkflowCompleted", "WorkflowFailed", "WorkflowCanceled", "WorkflowTerminated", "WorkflowContinuedAsNew", "WorkflowTimedOut"];

    public static async Task AssertAllRunsSoundAsync(Cluster cluster, int expectedRuns, string expectedStatus = "Completed")
    {
        var runs = await cluster.AllRunsAsync();
        Assert.Equal(expectedRuns, runs.Count);
        Assert.Equal(expectedRuns, runs.Select(r => r.WorkflowId).Distinct().Count()); // one run per workflow: nothing started twice
        foreach (var run in runs)
        {
            Assert.Equal(expectedStatus, run.Status);
            Assert.Equal(Enumerable.Range(1, run.EventIds.Length).Select(i => (long)i), run.EventIds);     // gap-free, ordered
            Assert.Equal(1, run.Types.Count(Closing.Contains));                                            // closed once
            Assert.Contains(run.Types[^1], Closing);                                                        // and last
            var results = run.Types.Select((type, i) => (type, i))
                .Where(e => e.type is "ActivityCompleted" or "ActivityFailed" or "ActivityTimedOut")
                .Select(e => JsonDocument.Parse(run.Attributes[e.i]).RootElement.GetProperty("scheduledEventId").GetInt64())
                .ToList();
            Assert.Equal(results.Count, results.Distinct().Count());                                        // each result once
            Assert.Equal(run.Types.Count(t => t == "ActivityScheduled"), results.Count);                    // and none missing
        }
    }
}
