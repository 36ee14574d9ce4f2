using System.Diagnostics.Metrics;
using Orchestrator.Engine.Dispatch;

namespace Orchestrator.Engine.Batches;

/// <summary>Metrics of batch operations, on the engine's meter (<see cref="EngineTelemetry.Name"/>).</summary>
internal sealed class BatchTelemetry
{
    public const string OperationTag = "orchestrator.batch.operation";
    public const string OutcomeTag = "orchestrator.batch.outcome";

    private readonly Counter<long> _items;

    public BatchTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(EngineTelemetry.Name, "1.0.0");
        _items = meter.CreateCounter<long>("orchestrator.batch.items", unit: "{run}", description: "Runs a batch acted on, by operation and outcome (done, failed)");
    }

    public void ItemActed(string operation, bool failed)
    {
        if (_items.Enabled)
        {
            _items.Add(1, new KeyValuePair<string, object?>(OperationTag, operation), new KeyValuePair<string, object?>(OutcomeTag, failed ? "failed" : "done"));
        }
    }
}
