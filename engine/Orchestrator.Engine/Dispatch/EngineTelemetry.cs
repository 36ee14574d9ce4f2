using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orchestrator.Engine.Dispatch;

/// <summary>The engine's <see cref="ActivitySource"/> and <see cref="Meter"/> (both named <c>Orchestrator.Engine</c>).</summary>
internal sealed class EngineTelemetry
{
    public const string Name = "Orchestrator.Engine";
    public const string RunIdTag = "orchestrator.run.id";
    public const string WorkflowTypeTag = "orchestrator.workflow.type";

    public static readonly ActivitySource Source = new(Name, "1.0.0");

    private readonly Counter<long> _started;
    private readonly Counter<long> _closed;
    private readonly Histogram<int> _batchRuns;
    private readonly Counter<long> _batchFallbacks;

    public EngineTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(Name, "1.0.0");
        _started = meter.CreateCounter<long>("orchestrator.workflow.started", description: "Workflow runs started");
        _closed = meter.CreateCounter<long>("orchestrator.workflow.closed", description: "Workflow runs closed, by status");
        _batchRuns = meter.CreateHistogram<int>("orchestrator.group_commit.runs", unit: "{run}", description: "Runs changed by one group commit");
        _batchFallbacks = meter.CreateCounter<long>("orchestrator.group_commit.fallbacks", description: "Group commits rolled back and applied run by run");
    }

    public void RunStarted(string workflowType)
    {
        if (_started.Enabled)
        {
            _started.Add(1, new KeyValuePair<string, object?>(WorkflowTypeTag, workflowType));
        }
    }

    public void RunClosed(string status)
    {
        if (_closed.Enabled)
        {
            _closed.Add(1, new KeyValuePair<string, object?>("orchestrator.workflow.status", status));
        }
    }

    public void GroupCommitted(int runs) => _batchRuns.Record(runs);

    public void GroupCommitFellBack() => _batchFallbacks.Add(1);

    /// <summary>A span continuing the run's trace (W3C <paramref name="traceParent"/>), when someone listens.</summary>
    public static Activity? StartSpan(string name, string? traceParent, Guid runId)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var span = Source.StartActivity(name, ActivityKind.Consumer, parent);
        span?.SetTag(RunIdTag, runId.ToString());
        return span;
    }
}
