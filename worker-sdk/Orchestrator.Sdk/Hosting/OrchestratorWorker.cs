namespace Orchestrator.Sdk;

/// <summary>Names a worker's telemetry uses.</summary>
public static class OrchestratorWorker
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of the worker's spans (one per workflow task and per activity attempt, continuing the run's trace): add it to your tracer, e.g. <c>tracing.AddSource(OrchestratorWorker.ActivitySourceName)</c>.</summary>
    public const string ActivitySourceName = Hosting.WorkerDiagnostics.SourceName;
}
