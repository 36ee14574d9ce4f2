using System.Text;

namespace Orchestrator.Chaos;

/// <summary>What the run prints: a line per round, each violation with its run's history, and the final line.</summary>
internal static class Report
{
    private const int MaxDetailed = 25;

    public static string FaultNames(IReadOnlyDictionary<FaultKind, int> faults) =>
        string.Join(", ", faults.OrderBy(f => f.Key).Select(f => $"{Name(f.Key)} {f.Value}"));

    public static string Name(FaultKind kind) => kind switch
    {
        FaultKind.EngineKill => "engine kill -9",
        FaultKind.WorkerKill => "worker kill -9",
        FaultKind.RabbitRestart => "rabbitmq restart",
        FaultKind.PostgresCrash => "postgres crash",
        FaultKind.RabbitNodeKill => "rabbitmq node kill -9",
        _ => kind.ToString(),
    };

    public static string SummaryLine(RoundResult r, int rounds, int seed) =>
        $"round {r.Round}/{rounds} (seed {seed}): {r.Workflows} workflows, {r.Runs} runs, {r.Faults.Values.Sum()} faults ({FaultNames(r.Faults)}), " +
        $"{r.Violations.Count} violations, {r.Duration.TotalSeconds:F0} s";

    /// <summary>Each violation; the first ones with the run's history (and, for a run that did not close, its rows).</summary>
    public static string Violations(RoundResult r)
    {
        var sb = new StringBuilder();
        var detailed = 0;
        foreach (var v in r.Violations)
        {
            sb.AppendLine($"VIOLATION round {r.Round}: workflow {v.WorkflowId}{(v.RunId is { } id ? $" run {id}" : "")}: {v.What}");
            if (v.RunId is not { } runId || r.State is null || detailed >= MaxDetailed)
            {
                continue;
            }
            detailed++;
            var events = r.State.EventsOf(runId);
            foreach (var e in events.Count > 60 ? events.Take(20).Concat(events.TakeLast(40)) : events)
            {
                sb.AppendLine($"    {e}");
            }
            if (r.Dumps.TryGetValue(runId, out var dump))
            {
                sb.Append(dump);
            }
        }
        if (detailed >= MaxDetailed)
        {
            sb.AppendLine($"(histories of the first {MaxDetailed} violations shown; database {r.Database} is kept for the rest)");
        }
        else if (r.Violations.Count > 0)
        {
            sb.AppendLine($"(database {r.Database} on the chaos PostgreSQL is kept for inspection)");
        }
        return sb.ToString();
    }
}
