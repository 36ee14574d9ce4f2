using System.Collections.Concurrent;
using System.Text.Json;

namespace Orchestrator.Chaos;

/// <summary>The kinds of workflow in a round's load (tests/Orchestrator.TestWorker/ChaosWorkflows.cs).</summary>
internal enum PlanKind
{
    /// <summary>ChaosStepsWorkflow: flaky activities with retries, a late attempt, a timeout for good, timers.</summary>
    Steps,

    /// <summary>ChaosSignalWorkflow: signals, some in bursts, racing its continue-as-new.</summary>
    Signals,

    /// <summary>ChaosParentWorkflow: children under a close policy; the parent completes, fails, continues as new or is cancelled/terminated.</summary>
    Parent,

    /// <summary>ChaosSleepWorkflow: a long timer, cancelled or terminated.</summary>
    Sleep,

    /// <summary>ChaosRetryWorkflow: a workflow retry policy (two failed runs), with signals racing the retries.</summary>
    Retry,
}

internal enum ActionKind
{
    Signal,
    Cancel,
    Terminate,
}

/// <summary>A request the load sends to a started workflow, <c>AfterStart</c> seconds after its start answered (same time = concurrently).</summary>
internal sealed record PlannedAction(double AfterStart, ActionKind Kind, string? SignalId = null);

/// <summary>One workflow of the load: what to start and send, what it should end as, and what the engines answered.</summary>
internal sealed class WorkflowPlan
{
    public required string WorkflowId { get; init; }

    public required PlanKind Kind { get; init; }

    public required string WorkflowType { get; init; }

    public required object Input { get; init; }

    public object? RetryPolicy { get; init; }

    public required double StartAt { get; init; }

    public List<PlannedAction> Actions { get; } = [];

    /// <summary>The result (JSON text) of a run nobody cancelled or terminated; null = not checked.</summary>
    public string? ExpectedResult { get; init; }

    /// <summary>The final status of a run nobody cancelled or terminated.</summary>
    public string ExpectedStatus { get; init; } = "Completed";

    /// <summary>The start's last answer; null when it never got one.</summary>
    public Reply? StartReply { get; set; }

    public bool Started { get; set; }

    public ConcurrentQueue<(PlannedAction Action, Reply Reply)> Outcomes { get; } = new();
}

/// <summary>Draws a round's load from the seed.</summary>
internal static class LoadPlan
{
    public static IReadOnlyList<WorkflowPlan> Create(int seed, int round, int count, double loadSeconds)
    {
        var random = new Random(HashCode.Combine(seed, round, 0x10AD));
        var plans = new List<WorkflowPlan>(count);
        for (var i = 0; i < count; i++)
        {
            var at = random.NextDouble() * loadSeconds;
            var roll = random.NextDouble();
            var kind = roll switch
            {
                < 0.35 => PlanKind.Steps,
                < 0.55 => PlanKind.Signals,
                < 0.70 => PlanKind.Parent,
                < 0.85 => PlanKind.Sleep,
                _ => PlanKind.Retry,
            };
            var id = $"r{round}-{kind.ToString().ToLowerInvariant()}-{i}";
            plans.Add(kind switch
            {
                PlanKind.Steps => Steps(random, id, at),
                PlanKind.Signals => Signals(random, id, at),
                PlanKind.Parent => Parent(random, id, at),
                PlanKind.Sleep => Sleep(random, id, at),
                _ => Retry(random, id, at),
            });
        }
        return [.. plans.OrderBy(p => p.StartAt)];
    }

    private static WorkflowPlan Steps(Random random, string id, double at)
    {
        var steps = 1 + random.Next(4);
        var failFirst = random.Next(3);
        var timerMs = new[] { 0, 100, 500, 1500 }[random.Next(4)];
        var late = random.NextDouble() < 0.2;
        var timeout = random.NextDouble() < 0.15;
        var expected = string.Join(",", Enumerable.Range(0, steps).Select(s => $"s{s}")
            .Concat(late ? ["ok"] : []).Concat(timeout ? ["timedout"] : []));
        var plan = new WorkflowPlan
        {
            WorkflowId = id, Kind = PlanKind.Steps, WorkflowType = "ChaosStepsWorkflow", StartAt = at, ExpectedResult = JsonSerializer.Serialize(expected),
            Input = new { steps, failFirst, timerMs, late, timeoutForGood = timeout },
        };
        if (random.NextDouble() < 0.1)
        {
            plan.Actions.Add(new PlannedAction(0.2 + random.NextDouble() * 3, ActionKind.Terminate));
        }
        return plan;
    }

    private static WorkflowPlan Signals(Random random, string id, double at)
    {
        var plan = new WorkflowPlan
        {
            WorkflowId = id, Kind = PlanKind.Signals, WorkflowType = "ChaosSignalWorkflow", StartAt = at,
            Input = new { seen = Array.Empty<string>(), perRun = 2 + random.Next(3), quietSeconds = 8.0 },
        };
        var t = random.NextDouble() * 0.5;
        var n = 3 + random.Next(10);
        for (var s = 0; s < n; s++)
        {
            // a third of the signals come in bursts (same moment, sent concurrently), the rest 0-0.7 s apart
            if (random.NextDouble() >= 0.33)
            {
                t += random.NextDouble() * 0.7;
            }
            plan.Actions.Add(new PlannedAction(t, ActionKind.Signal, $"{id}#{s}"));
        }
        if (random.NextDouble() < 0.1)
        {
            plan.Actions.Add(new PlannedAction(t + random.NextDouble() * 2, ActionKind.Cancel));
        }
        return plan;
    }

    private static WorkflowPlan Parent(Random random, string id, double at)
    {
        var policy = new[] { "Terminate", "RequestCancel", "Abandon" }[random.Next(3)];
        var roll = random.NextDouble();
        var end = roll switch { < 0.3 => "complete", < 0.45 => "fail", < 0.65 => "continue", _ => "wait" };
        var waitMs = 500 + random.Next(2500);
        var plan = new WorkflowPlan
        {
            WorkflowId = id, Kind = PlanKind.Parent, WorkflowType = "ChaosParentWorkflow", StartAt = at,
            Input = new { policy, children = 1 + random.Next(3), end, waitMs },
            ExpectedStatus = end == "fail" ? "Failed" : "Completed",
            ExpectedResult = end == "fail" ? null : "\"parent-done\"",
        };
        if (end == "wait")
        {
            plan.Actions.Add(new PlannedAction(waitMs / 1000.0 + 0.5 + random.NextDouble() * 1.5,
                random.NextDouble() < 0.5 ? ActionKind.Cancel : ActionKind.Terminate));
        }
        return plan;
    }

    private static WorkflowPlan Sleep(Random random, string id, double at)
    {
        var roll = random.NextDouble();
        var plan = new WorkflowPlan
        {
            WorkflowId = id, Kind = PlanKind.Sleep, WorkflowType = "ChaosSleepWorkflow", StartAt = at,
            Input = roll < 0.9 ? 60.0 : 5.0, ExpectedResult = "\"slept\"",
        };
        if (roll < 0.9)
        {
            plan.Actions.Add(new PlannedAction(0.3 + random.NextDouble() * 5, roll < 0.5 ? ActionKind.Cancel : ActionKind.Terminate));
        }
        return plan;
    }

    private static WorkflowPlan Retry(Random random, string id, double at)
    {
        var timerMs = 200 + random.Next(600);
        var plan = new WorkflowPlan
        {
            WorkflowId = id, Kind = PlanKind.Retry, WorkflowType = "ChaosRetryWorkflow", StartAt = at, Input = timerMs,
            RetryPolicy = new
            {
                initialInterval = "00:00:00.300", backoffCoefficient = 1.0, maximumInterval = "00:00:01", maximumAttempts = 5,
                nonRetryableErrorTypes = Array.Empty<string>(), jitter = "None",
            },
            ExpectedResult = "3",
        };
        // signals spread over the three runs (recorded, not consumed): they race the retries' hand-overs
        var t = 0.0;
        for (var s = 0; s < 2 + random.Next(4); s++)
        {
            t += random.NextDouble() * 0.8;
            plan.Actions.Add(new PlannedAction(t, ActionKind.Signal, $"{id}#{s}"));
        }
        if (random.NextDouble() < 0.1)
        {
            plan.Actions.Add(new PlannedAction(random.NextDouble() * 2, ActionKind.Terminate));
        }
        return plan;
    }
}
