using System.Text.Json;

namespace Orchestrator.Chaos;

/// <summary>A broken promise: which workflow and run, and what.</summary>
internal sealed record Violation(string WorkflowId, Guid? RunId, string What);

/// <summary>
/// The invariants checked after a round, over every run in PostgreSQL (see docs/reliability.md, "What it checks").
/// Per run: final status, history ids 1..N gap-free, exactly one closing event (the last one, matching the status), at
/// most one result per scheduled activity (exactly one in a run that completed or continued), timers fired once and cancelled
/// at most once. Per workflow: one chain of runs, the expected end and result, every signal accepted with 202 recorded
/// exactly once (carry-overs of continue-as-new aside), no 404 while the workflow was open. Per child: its parent's
/// close policy applied.
/// </summary>
internal static class Checks
{
    private static readonly Dictionary<string, string> Closing = new()
    {
        ["WorkflowCompleted"] = "Completed", ["WorkflowFailed"] = "Failed", ["WorkflowCanceled"] = "Canceled",
        ["WorkflowTerminated"] = "Terminated", ["WorkflowContinuedAsNew"] = "ContinuedAsNew", ["WorkflowTimedOut"] = "TimedOut",
    };

    private static readonly HashSet<string> ActivityResults = ["ActivityCompleted", "ActivityFailed", "ActivityTimedOut"];

    public static List<Violation> Run(RoundState state, IReadOnlyList<WorkflowPlan> plans)
    {
        var violations = new List<Violation>();
        foreach (var run in state.Runs.Values)
        {
            CheckRun(run, state.EventsOf(run.RunId), violations);
        }
        var planned = plans.Select(p => p.WorkflowId).ToHashSet();
        foreach (var plan in plans)
        {
            CheckWorkflow(plan, state, violations);
        }
        foreach (var run in state.Runs.Values.Where(r => r.ParentRunId is null && r.PreviousRunId is null && !planned.Contains(r.WorkflowId)))
        {
            violations.Add(new Violation(run.WorkflowId, run.RunId, "a run nobody started (no plan, no parent)"));
        }
        CheckChildren(state, violations);
        return violations;
    }

    private static void CheckRun(RunRow run, IReadOnlyList<EventRow> events, List<Violation> v)
    {
        void Add(string what) => v.Add(new Violation(run.WorkflowId, run.RunId, what));
        if (run.Status == "Running")
        {
            Add("not final: still Running after the round's deadline");
        }
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].EventId != i + 1)
            {
                Add($"history ids not 1..N gap-free: position {i + 1} holds event {events[i].EventId}");
                break;
            }
        }
        if (run.NextEventId != events.Count + 1)
        {
            Add($"next_event_id is {run.NextEventId} but the history holds {events.Count} events");
        }
        if (events.Count == 0 || events[0].EventType != "WorkflowStarted")
        {
            Add($"the first event is {(events.Count == 0 ? "missing" : events[0].EventType)}, not WorkflowStarted");
            return;
        }
        var closing = events.Where(e => Closing.ContainsKey(e.EventType)).ToList();
        if (run.Status != "Running")
        {
            if (closing.Count != 1)
            {
                Add($"{closing.Count} closing events ({string.Join(", ", closing.Select(e => $"{e.EventId} {e.EventType}"))}), not exactly one");
            }
            else if (closing[0] != events[^1])
            {
                Add($"closing event {closing[0].EventId} {closing[0].EventType} is not the last event ({events[^1].EventId} {events[^1].EventType})");
            }
            else if (Closing[closing[0].EventType] != run.Status)
            {
                Add($"status {run.Status} but closing event {closing[0].EventType}");
            }
        }
        else if (closing.Count > 0)
        {
            Add($"status Running but closing event {closing[0].EventId} {closing[0].EventType}");
        }

        // activities: at most one result each; in these workflows every activity is awaited, so a run that completed or
        // continued as new has exactly one result per scheduled activity
        var scheduled = events.Where(e => e.EventType == "ActivityScheduled").Select(e => e.EventId).ToHashSet();
        var results = events.Where(e => ActivityResults.Contains(e.EventType))
            .GroupBy(e => e.Attr.GetProperty("scheduledEventId").GetInt64()).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (id, list) in results)
        {
            if (!scheduled.Contains(id))
            {
                Add($"activity result {list[0].EventId} {list[0].EventType} for scheduledEventId {id}, which is no ActivityScheduled");
            }
            else if (list.Count > 1)
            {
                Add($"{list.Count} results for the activity scheduled at {id}: {string.Join(", ", list.Select(e => $"{e.EventId} {e.EventType}"))}");
            }
        }
        if (run.Status is "Completed" or "ContinuedAsNew")
        {
            foreach (var id in scheduled.Where(id => !results.ContainsKey(id)))
            {
                Add($"the activity scheduled at {id} has no result, yet the run closed {run.Status}");
            }
        }

        // timers: fired at most once, cancelled at most once, never fired after a cancel. A TimerCanceled after TimerFired is
        // allowed: the code cancelled a timer whose TimerFired came later in the same task's events than what woke it (a
        // cancel request, say), which history records as it happened and a replay repeats.
        var started = events.Where(e => e.EventType == "TimerStarted").Select(e => e.Attr.GetProperty("seq").GetInt32()).ToHashSet();
        foreach (var g in events.Where(e => e.EventType is "TimerFired" or "TimerCanceled").GroupBy(e => e.Attr.GetProperty("seq").GetInt32()))
        {
            if (!started.Contains(g.Key))
            {
                Add($"{g.First().EventType} of timer {g.Key}, which never started");
            }
            else if (g.Count(e => e.EventType == "TimerFired") > 1 || g.Count(e => e.EventType == "TimerCanceled") > 1
                     || g.SkipWhile(e => e.EventType != "TimerCanceled").Any(e => e.EventType == "TimerFired"))
            {
                Add($"timer {g.Key} ended wrongly (fired once, cancelled once, never fired after a cancel): {string.Join(", ", g.Select(e => $"{e.EventId} {e.EventType}"))}");
            }
        }

        // children: at most one outcome each
        foreach (var g in events.Where(e => e.EventType is "ChildWorkflowCompleted" or "ChildWorkflowFailed").GroupBy(e => e.Attr.GetProperty("seq").GetInt32()))
        {
            if (g.Count() > 1)
            {
                Add($"child {g.Key} has {g.Count()} outcomes: {string.Join(", ", g.Select(e => $"{e.EventId} {e.EventType}"))}");
            }
        }
    }

    private static void CheckWorkflow(WorkflowPlan plan, RoundState state, List<Violation> v)
    {
        var runs = state.ByWorkflow[plan.WorkflowId].ToList();
        void Add(string what, Guid? run = null) => v.Add(new Violation(plan.WorkflowId, run, what));
        if (runs.Count == 0)
        {
            Add(plan.Started ? "the start was answered 201 but PostgreSQL has no run"
                : $"never started: the last start answer was {plan.StartReply?.ToString() ?? "none"} {Trim(plan.StartReply?.Body)}");
            return;
        }
        var roots = runs.Where(r => r.PreviousRunId is null).ToList();
        if (roots.Count != 1)
        {
            Add($"{roots.Count} chains of runs (runs without a previous run: {string.Join(", ", roots.Select(r => r.RunId))})");
            return;
        }
        var chain = state.Chain(roots[0]);
        foreach (var stray in runs.Where(r => !chain.Contains(r)))
        {
            Add($"run not linked into the chain (previous_run_id {stray.PreviousRunId})", stray.RunId);
        }
        for (var i = 0; i < chain.Count; i++)
        {
            var run = chain[i];
            if (i > 0 && run.PreviousRunId != chain[i - 1].RunId)
            {
                Add($"previous_run_id {run.PreviousRunId} does not point back to {chain[i - 1].RunId}", run.RunId);
            }
            if (i < chain.Count - 1 && run.Status is not ("ContinuedAsNew" or "Failed"))
            {
                Add($"a run closed {run.Status} has a next run {run.NextRunId}", run.RunId);
            }
        }
        var last = chain[^1];
        if (last.Status == "ContinuedAsNew" || last.NextRunId is not null)
        {
            Add($"the last run is {last.Status} with next_run_id {last.NextRunId}, which does not exist", last.RunId);
        }

        var outcomes = plan.Outcomes.ToList();
        CheckRefusals(plan, chain, outcomes, Add);
        CheckSignals(plan, state, chain, outcomes, Add);

        // the end: terminate accepted -> Terminated; cancel accepted -> cancel requested (Canceled where the code can only end so)
        var terminated = outcomes.Any(o => o.Action.Kind == ActionKind.Terminate && o.Reply.Is(202));
        var canceled = outcomes.Any(o => o.Action.Kind == ActionKind.Cancel && o.Reply.Is(202));
        var unsure = outcomes.Any(o => o.Action.Kind != ActionKind.Signal && !o.Reply.Is(202));
        if (last.Status == "Running")
        {
            return; // reported per run, with its state
        }
        if (terminated)
        {
            if (last.Status != "Terminated")
            {
                Add($"terminate was accepted (202) but the last run closed {last.Status}", last.RunId);
            }
        }
        else if (canceled)
        {
            if (!chain.Any(r => state.EventsOf(r.RunId).Any(e => e.EventType == "WorkflowCancelRequested")))
            {
                Add("cancel was accepted (202) but no run records WorkflowCancelRequested", last.RunId);
            }
            var allowed = plan.Kind is PlanKind.Sleep or PlanKind.Parent ? new[] { "Canceled" } : ["Canceled", "Completed"];
            if (!allowed.Contains(last.Status))
            {
                Add($"cancel was accepted (202) but the last run closed {last.Status} (expected {string.Join(" or ", allowed)})", last.RunId);
            }
        }
        else if (!unsure)
        {
            if (last.Status != plan.ExpectedStatus)
            {
                Add($"closed {last.Status}, expected {plan.ExpectedStatus}", last.RunId);
            }
            else if (last.Status == "Completed" && plan.ExpectedResult is { } expected && !JsonEquals(last.Result, expected))
            {
                var late = last.Result?.Contains("late", StringComparison.Ordinal) == true
                    ? " (a late activity result accepted after its StartToClose deadline)" : "";
                Add($"result {last.Result}, expected {expected}{late}", last.RunId);
            }
        }
    }

    /// <summary>A 404 (no open run) to a signal, cancel or terminate answered while the workflow was in fact open.</summary>
    private static void CheckRefusals(WorkflowPlan plan, List<RunRow> chain, List<(PlannedAction Action, Reply Reply)> outcomes, Action<string, Guid?> add)
    {
        var last = chain[^1];
        foreach (var (action, reply) in outcomes.Where(o => o.Reply.Is(404) && !o.Reply.AfterUncertainAttempt))
        {
            // open from the first run's start to the last run's close (continue-as-new and retries hand over in one transaction)
            var openAfterAnswer = last.Status == "Running" || last.ClosedAt > reply.AnsweredAt.AddMilliseconds(2);
            if (chain[0].StartedAt < reply.SentAt && openAfterAnswer)
            {
                var handover = chain.FirstOrDefault(r => r.NextRunId is not null && r.ClosedAt is { } c
                    && c > reply.SentAt.AddSeconds(-1) && c < reply.AnsweredAt.AddSeconds(1));
                var during = handover is null ? "while the workflow was running"
                    : handover.Status == "ContinuedAsNew" ? "during continue-as-new" : "during a workflow retry";
                add($"{Describe(action)} refused (404) {during}: sent {reply.SentAt:HH:mm:ss.fff}, answered {reply.AnsweredAt:HH:mm:ss.fff} by engine{reply.Engine}, " +
                    $"the workflow closed at {last.ClosedAt:HH:mm:ss.fff}" + (handover is null ? "" : $"; run {handover.RunId} closed {handover.Status} at {handover.ClosedAt:HH:mm:ss.fff}"),
                    handover?.RunId ?? last.RunId);
            }
        }
    }

    private static void CheckSignals(WorkflowPlan plan, RoundState state, List<RunRow> chain, List<(PlannedAction Action, Reply Reply)> outcomes, Action<string, Guid?> add)
    {
        var signals = outcomes.Where(o => o.Action.Kind == ActionKind.Signal).ToDictionary(o => o.Action.SignalId!, o => o.Reply);
        if (signals.Count == 0 && !chain.Any(r => state.EventsOf(r.RunId).Any(e => e.EventType == "SignalReceived")))
        {
            return;
        }
        // a run after a continue-as-new starts with the previous run's unconsumed signals, before its first workflow task:
        // those are carry-overs, not new receipts
        var receipts = new Dictionary<string, List<Guid>>();
        var receivedBefore = new HashSet<string>();
        var perRun = new List<(RunRow Run, List<string> Own, List<string> Carried)>();
        foreach (var run in chain)
        {
            var events = state.EventsOf(run.RunId);
            var firstTask = events.FirstOrDefault(e => e.EventType == "WorkflowTaskScheduled")?.EventId ?? long.MaxValue;
            var own = new List<string>();
            var carried = new List<string>();
            foreach (var e in events.Where(e => e.EventType == "SignalReceived"))
            {
                var input = e.Attr.TryGetProperty("input", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : i.ToString();
                var isCarry = run.PreviousRunId is not null && e.EventId < firstTask && state.Runs[run.PreviousRunId.Value].Status == "ContinuedAsNew";
                if (isCarry)
                {
                    carried.Add(input);
                    if (!receivedBefore.Contains(input))
                    {
                        add($"signal {input} carried over into this run but never received by an earlier run (event {e.EventId})", run.RunId);
                    }
                }
                else
                {
                    own.Add(input);
                    (receipts.TryGetValue(input, out var l) ? l : receipts[input] = []).Add(run.RunId);
                }
            }
            receivedBefore.UnionWith(own);
            perRun.Add((run, own, carried));
        }
        foreach (var (id, runs) in receipts)
        {
            if (!signals.TryGetValue(id, out var reply))
            {
                add($"signal {id} recorded but never sent", runs[0]);
            }
            else if (reply.Is(202) && runs.Count != 1)
            {
                add($"signal {id} accepted (202) once but recorded {runs.Count} times (runs {string.Join(", ", runs)})", runs[0]);
            }
            else if (!reply.Is(202) && reply.Delivery == Delivery.Answered && reply.Status < 500)
            {
                add($"signal {id} answered {reply.Status} but recorded (runs {string.Join(", ", runs)})", runs[0]);
            }
            else if (runs.Count > 1)
            {
                add($"signal {id} (outcome {reply}) recorded {runs.Count} times (runs {string.Join(", ", runs)})", runs[0]);
            }
        }
        foreach (var (id, reply) in signals.Where(s => s.Value.Is(202) && !receipts.ContainsKey(s.Key)))
        {
            add($"signal {id} accepted (202) at {reply.AnsweredAt:HH:mm:ss.fff} by engine{reply.Engine} but recorded in no run (lost)", chain[^1].RunId);
        }

        // the signal workflow's result lists what its code consumed: each once, each sent; a signal an earlier run received
        // must have been consumed or carried into the next run
        var last = chain[^1];
        if (plan.Kind != PlanKind.Signals || last.Status != "Completed" || last.Result is null)
        {
            return;
        }
        var text = JsonDocument.Parse(last.Result).RootElement.GetString() ?? "";
        var consumed = text.Length == 0 ? [] : text.Split(',');
        foreach (var dup in consumed.GroupBy(c => c).Where(g => g.Count() > 1))
        {
            add($"signal {dup.Key} consumed {dup.Count()} times by the workflow code", last.RunId);
        }
        foreach (var c in consumed.Where(c => !signals.ContainsKey(c)))
        {
            add($"the workflow code consumed signal {c}, which was never sent", last.RunId);
        }
        var consumedSet = consumed.ToHashSet();
        for (var i = 0; i < perRun.Count - 1; i++)
        {
            var next = perRun[i + 1].Carried.ToHashSet();
            foreach (var id in perRun[i].Own.Concat(perRun[i].Carried).Where(id => !consumedSet.Contains(id) && !next.Contains(id)))
            {
                add($"signal {id} received by run {perRun[i].Run.RunId} was neither consumed nor carried over (lost at continue-as-new)", perRun[i].Run.RunId);
            }
        }
    }

    /// <summary>Every child started by a run that closed follows its close policy (Terminate / RequestCancel: nothing runs on; Abandon: untouched).</summary>
    private static void CheckChildren(RoundState state, List<Violation> v)
    {
        foreach (var parent in state.Runs.Values.Where(r => r.Status != "Running"))
        {
            foreach (var e in state.EventsOf(parent.RunId).Where(e => e.EventType == "ChildWorkflowStarted"))
            {
                var childId = e.Attr.GetProperty("workflowId").GetString()!;
                var childRun = Guid.Parse(e.Attr.GetProperty("runId").GetString()!);
                if (!state.Runs.TryGetValue(childRun, out var first))
                {
                    v.Add(new Violation(parent.WorkflowId, parent.RunId, $"ChildWorkflowStarted {e.EventId} names run {childRun}, which does not exist"));
                    continue;
                }
                var chain = state.Chain(first);
                var last = chain[^1];
                var policy = first.ParentClosePolicy ?? "Terminate";
                var closedAt = parent.ClosedAt!.Value;
                // the child's run that was open when the parent closed: the one the policy had to reach
                var open = chain.FirstOrDefault(r => r.StartedAt <= closedAt && (r.ClosedAt is null || r.ClosedAt > closedAt));
                var cancelRequested = chain.Any(r => state.EventsOf(r.RunId).Any(x => x.EventType == "WorkflowCancelRequested"));
                var closedBefore = last.ClosedAt is { } c && c <= closedAt;
                var later = chain.Count(r => r.StartedAt > closedAt.AddSeconds(2));
                string? what = policy switch
                {
                    "Terminate" or "RequestCancel" when last.Status == "Running" => "child left running against its parent's close policy",
                    "Terminate" when later > 0 => "child ran on after its parent closed",
                    // cooperative: a child whose run was handing over (continue-as-new) as the request came hands it to its
                    // next run, which then cancels; more than that one run is a request that did not stick
                    "RequestCancel" when later > 1 => "child ran on for more than one run after its parent closed",
                    "Terminate" when last.Status != "Terminated" && !closedBefore => $"child closed {last.Status} after its parent closed, not Terminated",
                    "RequestCancel" when !cancelRequested && !closedBefore => $"child closed {last.Status} after its parent closed without a WorkflowCancelRequested",
                    "Abandon" when cancelRequested || last.Status != "Completed" =>
                        $"abandoned child closed {last.Status}{(cancelRequested ? " with a cancel request" : "")}: the policy should have left it alone",
                    _ => null,
                };
                if (what is not null)
                {
                    v.Add(new Violation(childId, open?.RunId ?? last.RunId,
                        $"{what}: parent {parent.WorkflowId} run {parent.RunId} closed {parent.Status} at {closedAt:HH:mm:ss.fff}, policy {policy}; " +
                        $"the child's run open then: {open?.RunId.ToString() ?? "none"}; {later} child runs started later; the last is {last.RunId} {last.Status}"));
                }
            }
        }
    }

    private static string Describe(PlannedAction a) => a.Kind == ActionKind.Signal ? $"signal {a.SignalId}" : a.Kind.ToString().ToLowerInvariant();

    private static bool JsonEquals(string? actual, string expected)
    {
        if (actual is null)
        {
            return false;
        }
        using var a = JsonDocument.Parse(actual);
        using var b = JsonDocument.Parse(expected);
        return JsonElement.DeepEquals(a.RootElement, b.RootElement);
    }

    private static string Trim(string? s) => s is null ? "" : s.Length > 200 ? s[..200] : s;
}
