using System.Diagnostics.Metrics;
using Orchestrator.Engine.Dispatch;

namespace Orchestrator.Engine.Retention;

/// <summary>Metrics of retention, on the engine's meter (<see cref="EngineTelemetry.Name"/>).</summary>
internal sealed class RetentionTelemetry
{
    private readonly Counter<long> _deleted;
    private readonly Histogram<double> _batchDuration;

    public RetentionTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(EngineTelemetry.Name, "1.0.0");
        _deleted = meter.CreateCounter<long>("orchestrator.retention.deleted_runs", unit: "{run}", description: "Closed runs deleted by retention, with their histories");
        _batchDuration = meter.CreateHistogram<double>("orchestrator.retention.batch.duration", unit: "s", description: "Duration of one retention transaction");
    }

    public void BatchDeleted(int runs, TimeSpan elapsed)
    {
        if (_deleted.Enabled && runs > 0)
        {
            _deleted.Add(runs);
        }
        if (_batchDuration.Enabled)
        {
            _batchDuration.Record(elapsed.TotalSeconds);
        }
    }
}
